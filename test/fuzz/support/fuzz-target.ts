import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { demoPassword, exited, repoRoot, spawnMatterline, testEnv, uniquePrefix, waitFor } from '../../support/matterline.js';
import { freePort } from '../../support/redis-server.js';
import type { TestDatabase } from '../../support/test-database.js';
import { createTestDatabase, endPool } from '../../support/test-database.js';

// The server under fuzzing: a process of its own (a crash is an exit, not a dead test runner), on a database of its
// own, with a WhatsApp Cloud and a Twilio account whose webhooks the fuzzer can sign, and two signed-in users.

export const fuzzWhatsApp = {
  accountId: 'wa-fuzz',
  phoneNumberId: '1234500000001',
  appSecret: 'fuzz-app-secret',
  accessToken: 'EAAG-fuzz',
  verifyToken: 'fuzz-verify',
} as const;

export const fuzzTwilio = {
  accountId: 'twilio-fuzz',
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'fuzz-twilio-auth-token',
  phoneNumber: '+13175550000',
  publicUrl: 'https://firm.example.com/webhooks/twilio/twilio-fuzz',
} as const;

export interface Session {
  cookie: string;
  csrfToken: string;
}

export interface RawRequest {
  method: string;
  /** As sent on the request line: already encoded (it may hold malformed escapes on purpose). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  body: string;
}

export interface FuzzTarget {
  url: string;
  pool: pg.Pool;
  child: ChildProcess;
  admin: Session;
  lawyer: Session;
  send(request: RawRequest): Promise<RawAnswer>;
  /** Exact row counts of every table. */
  rowCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const database: TestDatabase = await createTestDatabase();
  const port = await freePort();
  const child = spawnMatterline('main', {
    ...testEnv({ databaseUrl: database.url, queue: 'redis', prefix: uniquePrefix(), role: 'server' }),
    PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 24 });
  const close = async () => {
    agent.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await endPool(pool);
    await database.drop();
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
        return (await fetch(`${url}/healthz`)).ok;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: 'the server to answer /healthz' },
    );
    const firm = await pool.query<{ id: string }>(`SELECT id FROM "Firm" WHERE slug = 'demo'`);
    const firmId = firm.rows[0]!.id;
    await pool.query(
      `INSERT INTO "ChannelAccount" (id, "firmId", kind, name, state, config) VALUES
         ($1, $3, 'whatsapp_cloud', 'WhatsApp Business', 'connected', $2::jsonb),
         ($4, $3, 'twilio', 'SMS', 'connected', $5::jsonb)`,
      [
        fuzzWhatsApp.accountId,
        JSON.stringify({
          phoneNumberId: fuzzWhatsApp.phoneNumberId,
          accessToken: fuzzWhatsApp.accessToken,
          appSecret: fuzzWhatsApp.appSecret,
          verifyToken: fuzzWhatsApp.verifyToken,
        }),
        firmId,
        fuzzTwilio.accountId,
        JSON.stringify({
          accountSid: fuzzTwilio.accountSid,
          authToken: fuzzTwilio.authToken,
          phoneNumber: fuzzTwilio.phoneNumber,
          publicUrl: fuzzTwilio.publicUrl,
        }),
      ],
    );
    const signIn = async (email: string): Promise<Session> => {
      const response = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: demoPassword }),
      });
      const body = (await response.json()) as { csrfToken?: string };
      const cookie = response.headers
        .getSetCookie()
        .map((value) => value.split(';')[0]!)
        .find((pair) => pair.startsWith('ml_session='));
      if (!cookie || !body.csrfToken) throw new Error(`sign-in of ${email} failed: ${response.status}`);
      return { cookie, csrfToken: body.csrfToken };
    };
    const admin = await signIn('admin@demo.test');
    const lawyer = await signIn('lawyer@demo.test');

    const send = (request: RawRequest) =>
      new Promise<RawAnswer>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: request.method,
            path: request.path,
            agent,
            timeout: 60_000,
            headers: { ...request.headers, 'content-length': String(request.body?.length ?? 0) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer to ${request.method} ${request.path} within 60 s`)));
        req.on('error', reject);
        req.end(request.body);
      });

    const rowCounts = async () => {
      const tables = await pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      const counts: Record<string, number> = {};
      for (const { tablename } of tables.rows) {
        counts[tablename] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${tablename}"`)).rows[0]!.n;
      }
      return counts;
    };
    return { url, pool, child, admin, lawyer, send, rowCounts, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface Route {
  method: string;
  path: string;
}

/**
 * Every route Matterline serves, read from its source (`router.get('/api/…'` and the like), so that a route added
 * later is fuzzed without anyone remembering to list it here.
 */
export function routesInSource(): Route[] {
  const found = new Map<string, Route>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) {
        if (name !== 'generated') walk(file);
      } else if (name.endsWith('.ts')) {
        const source = readFileSync(file, 'utf8');
        for (const match of source.matchAll(/\.(get|post|put|patch|delete)\(\s*'(\/(?:api|webhooks)\/[^']*)'/g)) {
          const route = { method: match[1]!.toUpperCase(), path: match[2]! };
          found.set(`${route.method} ${route.path}`, route);
        }
      }
    }
  };
  walk(path.join(repoRoot, 'src'));
  return [...found.values()];
}
