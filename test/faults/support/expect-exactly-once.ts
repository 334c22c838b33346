import type pg from 'pg';
import { expect } from 'vitest';
import type { FakeProvider } from '../../bridges/support/fake-provider.js';
import { waitFor } from '../../support/matterline.js';
import { whatsappAccount } from './fault-rig.js';
import type { PlannedMessage } from './webhook-traffic.js';

// What every fault case must end with: each message stored once and processed once, each new number asked for
// consent exactly once, and no send made twice to the provider.

export interface ExactlyOnceOptions {
  pool: pg.Pool;
  graph: FakeProvider;
  messages: PlannedMessage[];
  /** The senders' wa_ids: every one is a new number, owed one consent request. */
  senders: string[];
  timeoutMs?: number;
}

export async function expectExactlyOnce(options: ExactlyOnceOptions): Promise<void> {
  const { pool, messages } = options;
  const total = messages.length;
  const timeoutMs = options.timeoutMs ?? 180_000;

  // The worker catches up: every inbound message processed, every job done, every send finished.
  let last = { processed: 0, open: 0 };
  await waitFor(
    async () => {
      const counts = await pool.query<{ processed: number; open: number }>(
        `SELECT (SELECT count(*)::int FROM "Message" m JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id
                  WHERE m."accountId" = $1 AND m.direction = 'inbound') AS processed,
                (SELECT count(*)::int FROM "Outbox" WHERE status = 'pending')
                  + (SELECT count(*)::int FROM "Message" WHERE "accountId" = $1 AND direction = 'outbound'
                       AND status IN ('queued', 'sending', 'scheduled')) AS open`,
        [whatsappAccount.accountId],
      );
      last = counts.rows[0]!;
      return last.processed === total && last.open === 0;
    },
    { timeoutMs, intervalMs: 500, what: `all ${total} messages to be processed and every job and send to finish` },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (${last.processed} of ${total} processed, ${last.open} jobs or sends still open)`, { cause: error });
  });

  // Stored exactly once: the planned ids, each once, nothing else.
  const stored = await pool.query<{ providerMessageId: string; n: number }>(
    `SELECT "providerMessageId", count(*)::int AS n FROM "Message"
      WHERE "accountId" = $1 AND direction = 'inbound' GROUP BY "providerMessageId"`,
    [whatsappAccount.accountId],
  );
  expect(stored.rows.filter((row) => row.n !== 1)).toEqual([]);
  expect(stored.rows.map((row) => row.providerMessageId).sort()).toEqual(messages.map((message) => message.id).sort());

  // Processed exactly once: one ProcessedJob per message, and no outbox row left (a done job's row is removed), so no
  // job pending or failed anywhere.
  const jobs = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Message" m JOIN "ProcessedJob" p ON p."jobId" = 'inbound-' || m.id
      WHERE m."accountId" = $1 AND m.direction = 'inbound'`,
    [whatsappAccount.accountId],
  );
  expect(jobs.rows).toEqual([{ n: total }]);
  const left = await pool.query(`SELECT "jobId", status, "lastError" FROM "Outbox" WHERE status <> 'done'`);
  expect(left.rows).toEqual([]);

  // Each new number was asked for consent exactly once, with its consent event, and nothing else was sent to it.
  const outbound = await pool.query<{ address: string; purpose: string; n: number }>(
    `SELECT i.address, m.purpose::text AS purpose, count(*)::int AS n FROM "Message" m JOIN "ContactIdentity" i ON i.id = m."identityId"
      WHERE m."accountId" = $1 AND m.direction = 'outbound' GROUP BY i.address, m.purpose`,
    [whatsappAccount.accountId],
  );
  expect([...outbound.rows].sort((a, b) => a.address.localeCompare(b.address))).toEqual(
    [...options.senders].map((waId) => `+${waId}`).sort((a, b) => a.localeCompare(b)).map((address) => ({ address, purpose: 'consent_request', n: 1 })),
  );
  const consentEvents = await pool.query<{ n: number; identities: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT e."identityId")::int AS identities FROM "ConsentEvent" e
       JOIN "ContactIdentity" i ON i.id = e."identityId" WHERE i."accountId" = $1 AND e."toState" = 'requested'`,
    [whatsappAccount.accountId],
  );
  expect(consentEvents.rows[0]).toEqual({ n: options.senders.length, identities: options.senders.length });

  // The Graph API saw each consent request at most once. A request is `sent` after exactly one call; a send cut off
  // by a crash may be `failed` as send_outcome_unknown (never resent: the Cloud API has no idempotency key).
  const requests = await pool.query<{ id: string; status: string; error: string | null }>(
    `SELECT id, status::text AS status, error FROM "Message" WHERE "accountId" = $1 AND direction = 'outbound'`,
    [whatsappAccount.accountId],
  );
  const calls = new Map<string, number>();
  for (const { request } of options.graph.received) {
    const body = JSON.parse(request.body.toString('utf8')) as { biz_opaque_callback_data?: string };
    const id = body.biz_opaque_callback_data ?? '(no message id)';
    calls.set(id, (calls.get(id) ?? 0) + 1);
  }
  const duplicated = [...calls].filter(([, n]) => n > 1);
  expect(duplicated).toEqual([]);
  const known = new Set(requests.rows.map((row) => row.id));
  expect([...calls.keys()].filter((id) => !known.has(id))).toEqual([]);
  for (const request of requests.rows) {
    if (request.status === 'failed') {
      expect(request.error ?? '').toMatch(/^send_outcome_unknown/);
      expect(calls.get(request.id) ?? 0).toBeLessThanOrEqual(1);
    } else {
      expect(request.status).toBe('sent');
      expect(calls.get(request.id)).toBe(1);
    }
  }
}
