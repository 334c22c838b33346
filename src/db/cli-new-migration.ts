import path from 'node:path';
import { loadConfig } from '../config.js';
import { createMigration, migrationNameSchema } from './create-migration.js';

// `npm run db:migration -- <name>`: writes the next migration from the change in prisma/schema.prisma.

const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(argv: string[]): Promise<number> {
  const parsedName = migrationNameSchema.safeParse(argv[0]);
  if (!parsedName.success || argv.length > 1) {
    const problem = parsedName.success ? 'exactly one migration name is expected' : parsedName.error.issues[0]?.message;
    console.error(`db:migration: ${problem}\nusage: npm run db:migration -- <name>   (name: [a-z0-9_]+)`);
    return 2;
  }
  // The shadow database is created next to DATABASE_URL's database, on the same server; nothing is written there.
  const serverUrl = loadConfig().databaseUrl ?? DEFAULT_SERVER_URL;
  const result = await createMigration({
    name: parsedName.data,
    serverUrl,
    logger: { info: (message) => console.log(message), warn: (message) => console.warn(message) },
  });
  if (result.kind === 'no_changes') {
    console.log('db:migration: no changes: schema.prisma and prisma/migrations agree, nothing written');
    return 0;
  }
  console.log(`db:migration: wrote ${path.relative(process.cwd(), result.scriptPath)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`db:migration: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
