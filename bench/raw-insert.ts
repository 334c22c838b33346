import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { clientText } from './support/whatsapp-payload.js';

// PostgreSQL's own limit beside the capture figures: single-row INSERTs of a message-sized row, each its own
// transaction (autocommit), from as many connections as the server process's pool holds. No application, no HTTP.

export interface RawInsertFigures {
  connections: number;
  seconds: number;
  inserts: number;
  perSecond: number;
  rowBytes: number;
}

export async function runRawInsert(options: { databaseUrl: string; connections: number; seconds: number }): Promise<RawInsertFigures> {
  const setup = new pg.Client({ connectionString: options.databaseUrl });
  await setup.connect();
  // The shape of "Message": text ids, a provider id unique per account, the text, a raw JSON payload, timestamps.
  await setup.query(`DROP TABLE IF EXISTS bench_raw_insert`);
  await setup.query(`CREATE TABLE bench_raw_insert (
      id text PRIMARY KEY, firm_id text NOT NULL, account_id text NOT NULL, conversation_id text NOT NULL,
      identity_id text, direction text NOT NULL, provider_message_id text, text text, status text NOT NULL,
      sent_at timestamptz, captured_at timestamptz NOT NULL DEFAULT now(), raw jsonb,
      UNIQUE (account_id, provider_message_id))`);
  const raw = (i: number, text: string) =>
    JSON.stringify({
      whatsappCloud: {
        metadata: { display_phone_number: '15550199999', phone_number_id: '100200300400' },
        contact: { profile: { name: `Bench Client ${i % 1000}` }, wa_id: `1555${String(i % 1000).padStart(7, '0')}` },
        message: { from: `1555${String(i % 1000).padStart(7, '0')}`, id: `wamid.raw.${i}`, timestamp: '1763850000', type: 'text', text: { body: text } },
      },
    });
  const rowBytes = Buffer.byteLength(raw(1, clientText(1))) + Buffer.byteLength(clientText(1)) + 150;

  const clients = await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'matterline-bench-raw' });
      await client.connect();
      return client;
    }),
  );
  const run = randomBytes(3).toString('hex');
  let inserts = 0;
  let next = 0;
  const deadline = Date.now() + options.seconds * 1000;
  const started = Date.now();
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (Date.now() < deadline) {
          const i = next++;
          const text = clientText(i);
          await client.query(
            `INSERT INTO bench_raw_insert (id, firm_id, account_id, conversation_id, identity_id, direction, provider_message_id, text, status, sent_at, raw)
             VALUES ($1, $2, $3, $4, $5, 'inbound', $6, $7, 'received', now(), $8)`,
            [`${run}-${i}`, 'firm', 'bench-wa', `conv-${i % 1000}`, `identity-${i % 1000}`, `wamid.raw.${i}`, text, raw(i, text)],
          );
          inserts++;
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  const seconds = (Date.now() - started) / 1000;
  await setup.query(`DROP TABLE bench_raw_insert`);
  await setup.end();
  return { connections: options.connections, seconds, inserts, perSecond: inserts / seconds, rowBytes };
}
