import { loadConfig } from '../config.js';
import { applyMigrations } from './migrate.js';

// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL, as `prisma migrate deploy` would.

async function main(): Promise<number> {
  const { databaseUrl } = loadConfig();
  if (databaseUrl === undefined) {
    console.error('db:migrate: DATABASE_URL is not set');
    return 2;
  }
  await applyMigrations({
    databaseUrl,
    logger: { info: (message) => console.log(`db:migrate: ${message}`), warn: (message) => console.warn(message) },
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
