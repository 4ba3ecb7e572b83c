import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export * from './generated/prisma/client';
export type { Prisma } from './generated/prisma/client';

export interface CreateDbOptions {
  databaseUrl: string;
  /** Pool size per process; the control plane's default leaves room for several replicas. */
  maxConnections?: number;
}

/** Builds the Prisma client on the pg driver adapter. Call once in an app's `main` and pass it in. */
export function createDb(options: CreateDbOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 10,
  });
  return new PrismaClient({ adapter });
}

export type Db = PrismaClient;
