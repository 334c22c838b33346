import pg from 'pg';
import { seedDemoFirm } from '../../src/core/seed-demo-firm.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/prisma.js';
import { withDatabaseName } from '../../src/db/temporary-database.js';

// The benchmark's databases: one migrated and seeded template per run, cloned for each section (CREATE DATABASE ...
// TEMPLATE), all dropped at the end. Never the test databases, never the default one.

export const benchPassword = 'bench-password-not-a-secret';

export const whatsapp = {
  accountId: 'bench-wa',
  phoneNumberId: '100200300400',
  accessToken: 'bench-access-token',
  appSecret: 'bench-app-secret',
  verifyToken: 'bench-verify-token',
} as const;

/** The known clients texting the firm: opted in, each with a conversation filed under a matter of their own. */
export const knownClients = 1000;
/** Every fourth known client's matter is lawyer@demo.test's (the live inbox listens as her). */
export const isLawyersClient = (index: number) => index % 4 === 0;
export const knownAddress = (index: number) => `+1555${String(index).padStart(7, '0')}`;

export class BenchDatabases {
  private readonly created: string[] = [];
  readonly template: string;

  constructor(
    readonly serverUrl: string,
    readonly runId: string,
    /** Leave every database for a look afterwards (BENCH_KEEP_DATABASES). */
    private readonly keep = false,
  ) {
    this.template = `ml_bench_${runId}_tpl`;
  }

  url(name: string): string {
    return withDatabaseName(this.serverUrl, name);
  }

  private async admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** The migrated template with the demo firm, the WhatsApp Cloud account and the known clients. */
  async createTemplate(graphBaseUrl: string): Promise<void> {
    await this.admin((client) => client.query(`CREATE DATABASE ${this.template}`));
    this.created.push(this.template);
    const url = this.url(this.template);
    await applyMigrations({ databaseUrl: url });
    const db = openDatabase({ url, max: 2 });
    try {
      const seeded = await seedDemoFirm({ prisma: db.prisma, password: benchPassword });
      await addFixtures(db.pool, seeded.firmId, graphBaseUrl);
    } finally {
      await db.close();
    }
  }

  async clone(label: string): Promise<{ name: string; url: string }> {
    const name = `ml_bench_${this.runId}_${label}`;
    await this.admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${this.template}`));
    this.created.push(name);
    return { name, url: this.url(name) };
  }

  async drop(name: string): Promise<void> {
    if (this.keep) return;
    await this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }

  async dropAll(): Promise<void> {
    for (const name of this.created.reverse()) await this.drop(name).catch(() => undefined);
    this.created.length = 0;
  }

  /** The server's version and settings that decide commit rates, for the report. */
  async describeServer(): Promise<{ version: string; settings: Record<string, string> }> {
    return this.admin(async (client) => {
      const version = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
      const rows = await client.query<{ name: string; setting: string; unit: string | null }>(
        `SELECT name, setting, unit FROM pg_settings
          WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'wal_sync_method', 'commit_delay')`,
      );
      return { version, settings: Object.fromEntries(rows.rows.map((row) => [row.name, `${row.setting}${row.unit ? ` ${row.unit}` : ''}`])) };
    });
  }
}

async function addFixtures(pool: pg.Pool, firmId: string, graphBaseUrl: string): Promise<void> {
  const users = await pool.query<{ email: string; id: string }>(`SELECT email, id FROM "User" WHERE "firmId" = $1`, [firmId]);
  const userId = (email: string) => users.rows.find((row) => row.email === email)!.id;
  await pool.query(
    `INSERT INTO "ChannelAccount" (id, "firmId", kind, name, address, state, config)
     VALUES ($1, $2, 'whatsapp_cloud', 'WhatsApp Business (bench)', '+15550199999', 'connected', $3::jsonb)`,
    [
      whatsapp.accountId,
      firmId,
      JSON.stringify({
        phoneNumberId: whatsapp.phoneNumberId,
        accessToken: whatsapp.accessToken,
        appSecret: whatsapp.appSecret,
        verifyToken: whatsapp.verifyToken,
        graphBaseUrl,
      }),
    ],
  );
  // Open around the clock: the figures do not depend on the hour the benchmark runs (no after-hours replies).
  const allDay = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((day) => [day, [['00:00', '24:00']]]));
  await pool.query(`UPDATE "BusinessHours" SET weekly = $2::jsonb WHERE "firmId" = $1`, [firmId, JSON.stringify(allDay)]);
  const n = knownClients;
  await pool.query(
    `INSERT INTO "Client" (id, "firmId", name, language)
     SELECT 'bench-client-' || g, $1, 'Bench Client ' || g, CASE WHEN g % 10 = 0 THEN 'es' ELSE 'en' END
       FROM generate_series(0, $2 - 1) g`,
    [firmId, n],
  );
  await pool.query(
    `INSERT INTO "Matter" (id, "firmId", "clientId", number, title, "practiceArea")
     SELECT 'bench-matter-' || g, $1, 'bench-client-' || g, 'B-' || lpad(g::text, 5, '0'), 'Bench matter ' || g, 'consumer'
       FROM generate_series(0, $2 - 1) g`,
    [firmId, n],
  );
  await pool.query(
    `INSERT INTO "MatterMember" ("matterId", "userId", role)
     SELECT 'bench-matter-' || g, CASE WHEN g % 4 = 0 THEN $2 ELSE $3 END, 'responsible' FROM generate_series(0, $1 - 1) g`,
    [n, userId('lawyer@demo.test'), userId('lawyer2@demo.test')],
  );
  await pool.query(
    `INSERT INTO "ContactIdentity" (id, "firmId", "accountId", address, "displayName", "clientId", language, "consentState", "consentUpdatedAt")
     SELECT 'bench-identity-' || g, $1, $2, '+1555' || lpad(g::text, 7, '0'), 'Bench Client ' || g, 'bench-client-' || g,
            CASE WHEN g % 10 = 0 THEN 'es' ELSE 'en' END, 'opted_in', now()
       FROM generate_series(0, $3 - 1) g`,
    [firmId, whatsapp.accountId, n],
  );
  await pool.query(
    `INSERT INTO "Conversation" (id, "firmId", "accountId", "externalId", kind, "identityId", "matterId", title, "needsTriage")
     SELECT 'bench-conv-' || g, $1, $2, '+1555' || lpad(g::text, 7, '0'), 'direct', 'bench-identity-' || g, 'bench-matter-' || g,
            'Bench Client ' || g, false
       FROM generate_series(0, $3 - 1) g`,
    [firmId, whatsapp.accountId, n],
  );
  await pool.query('ANALYZE');
}
