import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, Prisma as PrismaNamespace } from './generated/prisma/client';

export type { Prisma } from './generated/prisma/client';
export * from './generated/prisma/client';

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

/** Writes SQL NULL into a nullable Json column (Prisma needs this sentinel; plain null is refused). */
export const DbNull = PrismaNamespace.DbNull;
