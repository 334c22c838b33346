import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as WasmGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

// Prisma's migration engine compiled to WebAssembly. Its CLI would need a native schema-engine binary that cannot be
// downloaded here; the wasm build runs the same Rust code (same `_prisma_migrations` bookkeeping, same diff SQL) and
// talks to PostgreSQL through a driver adapter we hand it.

export type { SchemaEngine } from '@prisma/schema-engine-wasm';

export interface SchemaFile {
  /** Path used in the engine's error messages, e.g. `schema.prisma`. */
  path: string;
  content: string;
}

export interface MigrateLogger {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface OpenSchemaEngineOptions {
  /** The database the engine reads and changes. */
  databaseUrl: string;
  /**
   * A database the engine may wipe and replay migrations into (diffs from the migrations directory, drift checks).
   * Without it, any operation that wants a shadow database fails instead of touching another database.
   */
  shadowDatabaseUrl?: string;
  /** Prisma schema files, for operations that read the datasource from them. */
  schemaFiles?: SchemaFile[];
  logger?: MigrateLogger;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and ends every connection it opened. Safe to call twice. */
  close(): Promise<void>;
}

// PostgreSQL OIDs (pg_type.oid).
const PG_CHAR_OID = 18; // "char", the one-byte internal type of pg_class.relkind, pg_constraint.contype ...
const PG_TEXT_OID = 25;

type WasmBindings = typeof WasmGlue;

// The project compiles without the DOM lib, and @types/node declares WebAssembly's types but not the global object.
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: object } }>;
}
const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

let bindingsPromise: Promise<WasmBindings> | undefined;
let lastPanicMessage: string | undefined;

// The engine races its advisory lock against a 10-second timer (tokio's timeout), and the glue has no clearTimeout:
// the timer outlives the race and keeps Node's event loop alive, so every CLI run and every process that migrates
// and then wants to exit would hang for ten seconds. That timeout is the only timer we have seen the engine set, and
// it always races a database call whose socket keeps the process alive anyway, so unref'd timers change nothing else.
function withUnrefTimers(bindings: WasmBindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith('__wbg_setTimeout_')) continue;
    imports[name] = (callback: () => void, milliseconds: number) => setTimeout(callback, milliseconds >>> 0).unref();
  }
  return imports;
}

// The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20 refuses without
// --experimental-wasm-modules. We do by hand what that import would do: instantiate the module with the JS glue as
// its import object, hand the instance back to the glue, run the start function. The glue keeps the instance in a
// module-level variable, so this happens once per process.
function loadBindings(): Promise<WasmBindings> {
  bindingsPromise ??= (async () => {
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    // The .wasm file is not in the package's "exports"; it sits next to the glue module that is.
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const bytes = await readFile(wasmPath);
    const { instance } = await webAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    // A Rust panic reports its message through this global before the wasm traps with a bare `unreachable`.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => {
        lastPanicMessage = message;
      },
    };
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bindings;
  })();
  bindingsPromise.catch(() => {
    bindingsPromise = undefined;
  });
  return bindingsPromise;
}

/** The message of the last panic inside the wasm engine, if any: attach it to errors that look like `unreachable`. */
export function lastSchemaEnginePanic(): string | undefined {
  return lastPanicMessage;
}

function relabelCharColumns(result: unknown): unknown {
  const results = Array.isArray(result) ? (result as unknown[]) : [result];
  for (const one of results) {
    const fields = (one as { fields?: { dataTypeID: number }[] } | null)?.fields;
    for (const field of fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

type QueryCallback = (error: unknown, result: unknown) => void;

// @prisma/adapter-pg 7.10 maps result columns to Prisma column types by OID and throws "Unsupported column type" on
// "char" (OID 18), which the engine's introspection queries select from pg_catalog. The values arrive as text
// already; only the label is wrong. Every client of our pools reports such columns as text.
function reportCharAsText(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const relabellingQuery = (...args: unknown[]): unknown => {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as QueryCallback;
      args[args.length - 1] = (error: unknown, result: unknown) => {
        callback(error, error ? result : relabelCharColumns(result));
      };
      return query(...args);
    }
    const returned = query(...args);
    return returned instanceof Promise ? returned.then(relabelCharColumns) : returned;
  };
  Object.assign(client, { query: relabellingQuery });
}

function createPool(connectionString: string, logger: MigrateLogger | undefined): pg.Pool {
  // One connection, like the native engine: the migration scripts, the advisory lock Prisma takes and any SET in a
  // migration all land in the same session.
  const pool = new pg.Pool({ connectionString, max: 1, application_name: 'matterline-schema-engine' });
  pool.on('connect', reportCharAsText);
  pool.on('error', (error) => {
    logger?.warn(`schema engine: idle connection failed: ${error.message}`);
  });
  return pool;
}

interface PooledAdapter {
  adapter: SqlDriverAdapter;
  dispose(): Promise<void>;
}

async function connectAdapter(connectionString: string, logger: MigrateLogger | undefined): Promise<PooledAdapter> {
  const inner = await new PrismaPg(createPool(connectionString, logger), { disposeExternalPool: true }).connect();
  let disposed: Promise<void> | undefined;
  const dispose = (): Promise<void> => (disposed ??= inner.dispose());
  // adapter-pg's executeScript splits the script on every ";" and runs the pieces one by one, which breaks function
  // bodies and DO blocks and commits half a migration when a later statement fails. The native engine sends the whole
  // script as one simple-protocol query, which PostgreSQL runs as a single implicit transaction; so do we. pg uses
  // the simple protocol (several statements allowed) whenever a query has no parameters, and going through
  // executeRaw keeps the adapter's translation of PostgreSQL errors into ones the engine can report.
  const adapter: SqlDriverAdapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    getConnectionInfo: () => inner.getConnectionInfo(),
    executeScript: async (script) => {
      await inner.executeRaw({ sql: script, args: [], argTypes: [] });
    },
    dispose,
  };
  return { adapter, dispose };
}

/**
 * Starts the wasm schema engine against `databaseUrl`. The caller must `close()` it: the engine's connections are
 * ordinary pg pools that keep the process alive.
 */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<OpenSchemaEngine> {
  const { databaseUrl, shadowDatabaseUrl, schemaFiles, logger } = options;
  const bindings = await loadBindings();
  const opened: PooledAdapter[] = [];

  const connect = async (url: string): Promise<SqlDriverAdapter> => {
    const pooled = await connectAdapter(url, logger);
    opened.push(pooled);
    return pooled.adapter;
  };

  // Not PrismaPg itself: its connectToShadowDb spreads `{ ...config, database }` over a config that holds a
  // connectionString, and pg lets the connection string win, so the "shadow" replay would run on the main database.
  // We connect to the shadow database we were given, and to nothing when we were given none.
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connect(databaseUrl),
    connectToShadowDb: () => {
      if (shadowDatabaseUrl === undefined) {
        return Promise.reject(new Error('this operation needs a shadow database and none was configured'));
      }
      return connect(shadowDatabaseUrl);
    },
  };

  const onLog = (line: string): void => {
    logger?.debug?.(`schema engine: ${line}`);
  };

  let engine: SchemaEngine;
  try {
    engine = await bindings.SchemaEngine.new(
      { datamodels: schemaFiles?.map((file): [string, string] => [file.path, file.content]) },
      onLog,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
  } catch (error) {
    await Promise.allSettled(opened.map((pooled) => pooled.dispose()));
    throw toError(error, 'could not start the schema engine');
  }

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      engine.free();
      await Promise.allSettled(opened.map((pooled) => pooled.dispose()));
    })());

  return { engine, close };
}

/**
 * An Error whose message carries the engine's own words. The engine's rejections pass through wasm-bindgen, which
 * hands on whatever was thrown (an adapter's error object, a string), not always an Error.
 */
export function toError(error: unknown, context: string): Error {
  if (error instanceof Error) {
    const panic = error.message.includes('unreachable') ? lastSchemaEnginePanic() : undefined;
    return new Error(`${context}: ${error.message}${panic ? ` (engine panic: ${panic})` : ''}`, { cause: error });
  }
  if (typeof error === 'string') return new Error(`${context}: ${error}`);
  const message = (error as { message?: unknown } | null)?.message;
  return new Error(`${context}: ${typeof message === 'string' ? message : JSON.stringify(error)}`, { cause: error });
}
