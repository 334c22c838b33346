import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/matterline.js';
import type { FaultRig } from './support/fault-rig.js';
import { startFaultRig } from './support/fault-rig.js';
import { expectExactlyOnce } from './support/expect-exactly-once.js';
import { seededRandom } from './support/random.js';
import type { RestartableRedis } from './support/restartable-redis.js';
import { startRestartableRedis } from './support/restartable-redis.js';
import { WebhookTraffic, planMessages } from './support/webhook-traffic.js';

const total = 5000;

// The queue's Redis (a server of the test's own) loses everything twice during a 5,000-message run: FLUSHALL at one
// random moment, a crash and restart without persistence (down for a few seconds) at another. PostgreSQL is the
// truth: the outbox rebuilds every lost job, and each message is still stored and processed exactly once.
describe('Redis flushed and restarted during a run', () => {
  let redis: RestartableRedis | undefined;
  let rig: FaultRig | undefined;
  afterAll(async () => {
    await rig?.close();
    await redis?.stop();
  });

  it(`keeps each of ${total} messages exactly once`, { timeout: 420_000 }, async () => {
    const random = seededRandom();
    const context = `seed ${random.seed} (FAULT_SEED=${random.seed} replays it)`;
    redis = await startRestartableRedis();
    rig = await startFaultRig({ queue: 'redis', redisUrl: redis.url });
    const { messages, senders } = planMessages({ total, senders: 40, tag: '02' });
    const traffic = new WebhookTraffic(messages, { url: () => rig!.serverUrl });

    const flushAt = Math.floor(random.between(0.15, 0.4) * total);
    const restartAt = Math.floor(random.between(0.5, 0.8) * total);
    const sending = traffic.run();

    await waitFor(async () => traffic.answers.size >= flushAt, { timeoutMs: 300_000, intervalMs: 20, what: `message ${flushAt} (${context})` });
    // Jobs were waiting in Redis when it was flushed: the flush threw real work away.
    const keysBeforeFlush = await redis.client.dbsize();
    await redis.client.flushall();

    await waitFor(async () => traffic.answers.size >= restartAt, { timeoutMs: 300_000, intervalMs: 20, what: `message ${restartAt} (${context})` });
    await redis.restart({ downMs: random.between(1000, 4000) });
    await sending;

    await traffic.retryUntilAcknowledged();
    expect(traffic.acknowledged.size, context).toBe(total);
    expect(keysBeforeFlush, context).toBeGreaterThan(0);
    await expectExactlyOnce({ pool: rig.pool, graph: rig.graph, messages, senders });
    expect(await rig.stopGracefully(), context).toEqual({ server: 0, worker: 0 });
  });
});
