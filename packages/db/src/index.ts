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

/**
 * Builds a SQL fragment for `$queryRaw` (values stay parameters); fragments nest in other
 * fragments and in `$queryRaw` templates. `rawSql` inserts trusted text (a table name) as is.
 */
export const sql = PrismaNamespace.sql;
export const rawSql = PrismaNamespace.raw;

/** Writes SQL NULL into a nullable Json column (Prisma needs this sentinel; plain null is refused). */
export const DbNull = PrismaNamespace.DbNull;
