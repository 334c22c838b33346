import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Prisma = InstanceType<typeof PrismaClient>;

export interface Database {
  prisma: Prisma;
  /** The same pool Prisma uses, for the few statements Prisma cannot express (ON CONFLICT, advisory locks). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url: string;
  max?: number;
  applicationName?: string;
}

/** Opens one pg pool shared by Prisma (through @prisma/adapter-pg) and raw SQL. close() is safe twice. */
export function openDatabase(options: OpenDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'matterline',
    // A connection cut without a reset (a proxy, a network partition) must fail, not hang: bounded connects,
    // TCP keepalive to notice a dead peer, and a ceiling on any single query.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    query_timeout: 120_000,
    // JIT compiles a plan to machine code when its cost estimate is high; for the short queries of an OLTP
    // application the compilation (tens of milliseconds) costs more than it ever saves.
    options: '-c jit=off',
  });
  // An idle client losing its server (PostgreSQL restarted, a proxy cut) must not crash the process: the pool drops
  // it and the next query reconnects.
  pool.on('error', () => undefined);
  // A client checked out of the pool (a transaction in progress) has no error listener of the pool's: a connection
  // reset then emits 'error' with nobody listening, which kills the process. The query itself still fails.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    prisma,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
