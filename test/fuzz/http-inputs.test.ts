import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BadRequest } from './support/bad-requests.js';
import {
  accepts,
  protocolOddities,
  publicAuth,
  readsWithSession,
  signedTwilio,
  signedWhatsApp,
  simulatorMalformed,
  simulatorUnparseable,
  twilioBadSignature,
  twilioSignedMalformed,
  validSms,
  whatsappBadSignature,
  whatsappPayload,
  whatsappSignedMalformed,
  whatsappSignedUnreadableMessage,
  withSession,
  withoutSession,
} from './support/bad-requests.js';
import type { FuzzTarget, RawRequest, Route } from './support/fuzz-target.js';
import { fuzzTwilio, fuzzWhatsApp, routesInSource, startFuzzTarget } from './support/fuzz-target.js';

// Property-based fuzzing of every HTTP input Matterline has: the WhatsApp Cloud and Twilio webhooks with and without
// valid signatures, the JSON API with and without a session, and the simulator. Well over 10,000 generated bad
// requests, 20 at a time over keep-alive connections. Every answer must be the right 4xx (never a 5xx), the server
// process must live through all of it, and nothing may be stored, except replays of valid requests, stored once.
// FUZZ_SEED replays a run (the seed is in every failure message).

const batch = 20;
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

describe('every HTTP input, fuzzed', () => {
  let target: FuzzTarget;
  let routes: Route[];
  let before: Record<string, number>;
  let lastAuditId: string;
  let badRequests = 0;

  beforeAll(async () => {
    target = await startFuzzTarget();
    routes = routesInSource();
    before = await target.rowCounts();
    lastAuditId = (await target.pool.query<{ id: string }>(`SELECT COALESCE(max(id), 0)::text AS id FROM "AuditEvent"`)).rows[0]!.id;
  }, 120_000);
  afterAll(async () => {
    await target?.close();
  });

  const send = (request: RawRequest) => target.send(request).catch((error: unknown) => ({ status: 0, body: String(error) }));

  /** Runs `runs` batches of generated bad requests in parallel; every answer must be one its request accepts. */
  async function fuzz(arbitrary: fc.Arbitrary<BadRequest>, runs: number): Promise<void> {
    const result = await fc.check(
      fc.asyncProperty(fc.array(arbitrary, { minLength: batch, maxLength: batch }), async (requests) => {
        const answers = await Promise.all(requests.map((bad) => send(bad.request)));
        badRequests += requests.length;
        const wrong = requests.flatMap((bad, index) => {
          const answer = answers[index]!;
          if (accepts(bad, answer.status)) return [];
          const shown = { method: bad.request.method, path: bad.request.path.slice(0, 200), bodyBytes: bad.request.body?.length ?? 0, head: bad.request.body?.toString('utf8').slice(0, 200) };
          return [`${bad.what}: answered ${answer.status} ${answer.body.slice(0, 300)}; expected ${JSON.stringify(bad.accept)}; request ${JSON.stringify(shown)}`];
        });
        if (wrong.length > 0) throw new Error(wrong.join('\n'));
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    if (result.failed) {
      const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`FUZZ_SEED=${seed}: ${error}`);
    }
  }

  it('WhatsApp Cloud webhook: bad signatures are refused', { timeout: 240_000 }, async () => {
    await fuzz(whatsappBadSignature, 75);
  });

  it('WhatsApp Cloud webhook: signed but malformed payloads are refused', { timeout: 300_000 }, async () => {
    await fuzz(whatsappSignedMalformed, 100);
  });

  it('WhatsApp Cloud webhook: a message that does not parse is kept raw for the admin, never stored as a message', { timeout: 240_000 }, async () => {
    await fuzz(whatsappSignedUnreadableMessage, 15);
  });

  it('Twilio webhooks: bad signatures are refused', { timeout: 240_000 }, async () => {
    await fuzz(twilioBadSignature, 50);
  });

  it('Twilio webhooks: signed but malformed forms are refused', { timeout: 240_000 }, async () => {
    await fuzz(twilioSignedMalformed, 60);
  });

  it('simulator: malformed messages are refused', { timeout: 240_000 }, async () => {
    await fuzz(simulatorMalformed, 60);
    await fuzz(simulatorUnparseable, 15);
  });

  it('JSON API without a session: every route refuses', { timeout: 240_000 }, async () => {
    await fuzz(withoutSession(routes), 60);
    await fuzz(publicAuth, 10);
  });

  it('JSON API signed in: bad CSRF, bad bodies and unknown records are refused', { timeout: 240_000 }, async () => {
    await fuzz(withSession(routes, [target.admin, target.lawyer]), 75);
    await fuzz(readsWithSession(routes, [target.admin, target.lawyer]), 40);
  });

  it('HTTP oddities: malformed escapes, unknown methods, odd paths', { timeout: 240_000 }, async () => {
    await fuzz(protocolOddities(routes, target.admin), 25);
  });

  it('replays of valid requests are stored once', { timeout: 240_000 }, async () => {
    const copies = 10;
    const shuffle = <T>(items: T[]) => fc.sample(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), { numRuns: 1, seed })[0]!;
    const whatsapp = Array.from({ length: 40 }, (_, i) => signedWhatsApp(Buffer.from(JSON.stringify(whatsappPayload({ id: `wamid.replay-${seed}-${i}`, from: '15550107777', text: `replayed ${i}` })))));
    const twilio = Array.from({ length: 20 }, (_, i) => signedTwilio('inbound', validSms(`SM${String(seed).padStart(10, '0')}${String(i).padStart(22, '0')}`, '+13175550777', `replayed ${i}`)));
    const simulator = Array.from({ length: 20 }, (_, i): RawRequest => ({
      method: 'POST',
      path: '/api/simulator/demo/inbound',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ from: '+15550107778', text: `replayed ${i}`, id: `sim-replay-${seed}-${i}` })),
    }));
    const all = shuffle([...whatsapp, ...twilio, ...simulator].flatMap((request) => Array.from({ length: copies }, () => request)));
    const answers: { request: RawRequest; status: number }[] = [];
    for (let from = 0; from < all.length; from += batch) {
      const part = all.slice(from, from + batch);
      const statuses = await Promise.all(part.map((request) => send(request)));
      part.forEach((request, index) => answers.push({ request, status: statuses[index]!.status }));
    }
    const of = (requests: RawRequest[]) => answers.filter((answer) => requests.includes(answer.request)).map((answer) => answer.status);
    expect(new Set(of(whatsapp))).toEqual(new Set([200]));
    expect(new Set(of(twilio))).toEqual(new Set([200]));
    // The simulator says which delivery stored the message: exactly one 202 per id, 200 (a redelivery) for the rest.
    for (const request of simulator) {
      expect(of([request]).sort()).toEqual([...Array.from({ length: copies - 1 }, () => 200), 202]);
    }
    const stored = await target.pool.query<{ accountId: string; n: number; distinct: number }>(
      `SELECT "accountId", count(*)::int AS n, count(DISTINCT "providerMessageId")::int AS distinct FROM "Message" GROUP BY "accountId" ORDER BY "accountId"`,
    );
    expect(stored.rows).toEqual(
      [
        { accountId: 'demo', n: 20, distinct: 20 },
        { accountId: fuzzTwilio.accountId, n: 20, distinct: 20 },
        { accountId: fuzzWhatsApp.accountId, n: 40, distinct: 40 },
      ].sort((a, b) => a.accountId.localeCompare(b.accountId)),
    );
  });

  it('lived through it all and stored nothing else', { timeout: 60_000 }, async () => {
    expect(badRequests).toBeGreaterThanOrEqual(10_000);
    expect(target.child.exitCode).toBeNull();
    expect((await send({ method: 'GET', path: '/healthz' })).status).toBe(200);
    const after = await target.rowCounts();
    const changed = Object.fromEntries(Object.keys(after).filter((table) => after[table] !== before[table]).map((table) => [table, after[table]! - (before[table] ?? 0)]));
    // The replays: 80 messages from three new contacts, each with its processing job. The audit log grows only by
    // what it must record even of a bad request: a failed sign-in, and the reads and searches signed-in people made;
    // the sign-in throttle counts the failed sign-ins.
    const { AuditEvent: audited, SignInThrottle: _throttle, AccountReport: reported, ...rest } = changed;
    expect(rest).toEqual({ Message: 80, Outbox: 80, ContactIdentity: 3, Conversation: 3 });
    // The unreadable messages, each kept raw once for the admin; nothing else was reported.
    expect(reported).toBeGreaterThan(0);
    const kinds = await target.pool.query<{ kind: string }>(`SELECT DISTINCT kind FROM "AccountReport"`);
    expect(kinds.rows).toEqual([{ kind: 'unparsed' }]);
    if (audited) {
      const actions = await target.pool.query<{ action: string }>(`SELECT DISTINCT action FROM "AuditEvent" WHERE id > $1::bigint ORDER BY action`, [lastAuditId]);
      const allowed = /^(auth\.login_failed|auth\.login_throttled|search\.performed)$|[._](read|viewed|listed)$/;
      expect(actions.rows.map((row) => row.action).filter((action) => !allowed.test(action))).toEqual([]);
    }
  });
});
