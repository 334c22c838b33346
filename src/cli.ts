import { Command, CommanderError } from 'commander';
import pg from 'pg';
import type { Config } from './config.js';
import { ConfigError, loadConfig } from './config.js';
import { accountCommand } from './cli/account-commands.js';
import { firmCommand, userCommand } from './cli/firm-commands.js';
import { hoursCommand } from './cli/hours-commands.js';
import { importCommand } from './cli/import-commands.js';
import { matterCommand } from './cli/matter-commands.js';
import { queuesCommand } from './cli/queue-commands.js';
import { verifyAuditChain } from './core/audit/verify-audit-chain.js';
import { createLogger } from './logger.js';
import { startEmbeddedPostgres } from './runtime/embedded-postgres.js';

// The admin CLI, `npx matterline <group> <command>`. Each group is a function returning its commander Command, added
// in buildCli; commands return their exit code instead of calling process.exit, so they can be tested in-process
// and the database is always closed.

/** Where a command writes; the real streams, or a test's. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** What every command may use: the parsed configuration and a way to reach the database it names. */
export interface CliContext {
  output: CliOutput;
  config(): Config;
  /** Runs `use` with a pool on Matterline's database (the embedded one when DATABASE_URL is unset), then closes it. */
  /** Opens the instance's database (the embedded server of its data folder when DATABASE_URL is unset). */
  withDatabase<T>(use: (pool: pg.Pool, databaseUrl: string) => Promise<T>): Promise<T>;
}

/** Exit codes: 0 all well, 1 the check failed (e.g. a broken audit chain), 2 the command could not run. */
export const exitCodes = { ok: 0, failed: 1, error: 2 } as const;

export function cliContext(output: CliOutput, env?: Record<string, string | undefined>): CliContext {
  let config: Config | undefined;
  const context: CliContext = {
    output,
    config() {
      config ??= loadConfig(env);
      return config;
    },
    async withDatabase(use) {
      const settings = context.config();
      let url = settings.databaseUrl;
      let stopEmbedded: (() => Promise<void>) | undefined;
      if (!url) {
        // The zero-configuration database of `npm start`: reused when Matterline is running, started otherwise.
        const embedded = await startEmbeddedPostgres({ dataDir: settings.dataDir, port: settings.embeddedPgPort, logger: createLogger({ logLevel: 'silent' }) });
        url = embedded.url;
        stopEmbedded = embedded.stop;
      }
      const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'matterline-cli', connectionTimeoutMillis: 10_000 });
      pool.on('error', () => undefined);
      try {
        await pool.query('SELECT 1').catch((error: unknown) => {
          throw new Error(unreachableDatabase(url, error), { cause: error });
        });
        return await use(pool, url);
      } finally {
        await pool.end();
        await stopEmbedded?.();
      }
    },
  };
  return context;
}

/** A sentence for a database the CLI cannot use: where it looked (never the password), what went wrong, what to check. */
export function unreachableDatabase(url: string, error: unknown): string {
  let where = 'the database';
  try {
    const parsed = new URL(url);
    where = `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'} (database "${decodeURIComponent(parsed.pathname.slice(1)) || 'postgres'}"${parsed.username ? `, user "${decodeURIComponent(parsed.username)}"` : ''})`;
  } catch {
    // A URL config.ts accepted always parses; keep the plain words otherwise.
  }
  const code = (error as { code?: string }).code;
  const why: Record<string, string> = {
    ECONNREFUSED: 'nothing answers there; check that PostgreSQL is running and listening on that host and port',
    ENOTFOUND: 'that host name does not resolve; check the host in DATABASE_URL',
    EAI_AGAIN: 'that host name could not be resolved now; check DNS and the host in DATABASE_URL',
    ETIMEDOUT: 'it did not answer in time; check the network and any firewall between here and there',
    '28P01': 'the password was refused; check the user and password in DATABASE_URL',
    '28000': 'the server refused this user; check pg_hba.conf and the user in DATABASE_URL',
    '3D000': 'that database does not exist; create it, or correct the database name in DATABASE_URL',
  };
  const reason = (code && why[code]) ?? `${error instanceof Error ? error.message : String(error)}; check DATABASE_URL and that the server is up`;
  return `cannot reach ${where}: ${reason}`;
}

/** `matterline audit ...`: the hash-chained audit log. */
export function auditCommand(context: CliContext, setExitCode: (code: number) => void): Command {
  const audit = new Command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute every link of the audit chain; exits 1 and names the first broken event when one is')
    .option('--json', 'print the verdict as JSON')
    .action(async (options: { json?: boolean }) => {
      const verdict = await context.withDatabase((pool) => verifyAuditChain(pool));
      if (options.json) context.output.out(JSON.stringify(verdict));
      else if (verdict.ok) context.output.out(`audit chain intact: ${verdict.count} events verified`);
      else context.output.err(`audit chain broken at event ${verdict.brokenAtId}: ${verdict.reason} (${verdict.count} events checked)`);
      setExitCode(verdict.ok ? exitCodes.ok : exitCodes.failed);
    });
  return audit;
}

export function buildCli(context: CliContext, setExitCode: (code: number) => void): Command {
  const program = new Command('matterline')
    .description("Matterline's admin commands (set DATABASE_URL, or run beside `npm start`'s embedded database)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.output.out(text.trimEnd()), writeErr: (text) => context.output.err(text.trimEnd()) });
  program.addCommand(firmCommand(context));
  program.addCommand(userCommand(context));
  program.addCommand(accountCommand(context, setExitCode));
  program.addCommand(hoursCommand(context));
  program.addCommand(importCommand(context, setExitCode));
  program.addCommand(matterCommand(context));
  program.addCommand(auditCommand(context, setExitCode));
  program.addCommand(queuesCommand(context));
  // Commands built on their own (addCommand) do not inherit the program's settings: every one must end through
  // runCli's exit codes and write through the context's output.
  const inherit = (command: Command) => {
    for (const sub of command.commands) {
      sub.copyInheritedSettings(command);
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Parses argv (node, script, ...args), runs the command and returns the process's exit code. */
export async function runCli(argv: readonly string[], output: CliOutput = standardOutput): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = buildCli(cliContext(output), (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // --help and --version end in a CommanderError with exit code 0; a bad command line with 1, made 2 here.
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.error;
    if (error instanceof ConfigError) output.err(error.message);
    else output.err(`matterline: ${error instanceof Error ? error.message : String(error)}`);
    return exitCodes.error;
  }
}

const standardOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
