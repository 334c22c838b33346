import { afterAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../support/matterline.js';
import type { TcpProxy } from '../support/tcp-proxy.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import type { FaultRig } from './support/fault-rig.js';
import { startFaultRig } from './support/fault-rig.js';
import { expectExactlyOnce } from './support/expect-exactly-once.js';
import { seededRandom } from './support/random.js';
import { WebhookTraffic, planMessages } from './support/webhook-traffic.js';

const total = 5000;
const outageMs = 20_000;

// PostgreSQL unreachable for 20 s in the middle of a 5,000-message run: the server and the worker reach it through a
// TCP proxy of the test's own, which first drops packets (connections hang, as in a partition) and then refuses
// connections (as a stopped server would). The machine's PostgreSQL is never touched. Webhooks refused meanwhile
// are delivered again afterwards; each message ends up stored and processed exactly once.
describe('PostgreSQL unreachable for 20 s during a run', () => {
  let proxy: TcpProxy | undefined;
  let rig: FaultRig | undefined;
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
  });

  it(`keeps each of ${total} messages exactly once`, { timeout: 420_000 }, async () => {
    const random = seededRandom();
    const context = `seed ${random.seed} (FAULT_SEED=${random.seed} replays it)`;
    const direct = new URL(inject('serverUrl'));
    proxy = await startTcpProxy({ targetHost: direct.hostname, targetPort: Number(direct.port || 5432) });
    const port = proxy.port;
    rig = await startFaultRig({
      queue: 'redis',
      processDatabaseUrl: (url) => {
        const through = new URL(url);
        through.port = String(port);
        return through.toString();
      },
    });
    const { messages, senders } = planMessages({ total, senders: 40, tag: '03' });
    const traffic = new WebhookTraffic(messages, { url: () => rig!.serverUrl, timeoutMs: 5000 });

    const cutAt = Math.floor(random.between(0.2, 0.6) * total);
    const sending = traffic.run();
    await waitFor(async () => traffic.answers.size >= cutAt, { timeoutMs: 300_000, intervalMs: 20, what: `message ${cutAt} (${context})` });
    const forwardedBefore = proxy.accepted;
    const refusedBefore = traffic.everRefused.length;
    await proxy.cut('blackhole');
    await new Promise((resolve) => setTimeout(resolve, outageMs / 2));
    await proxy.cut('refuse');
    await new Promise((resolve) => setTimeout(resolve, outageMs / 2));
    const refusedDuringOutage = traffic.everRefused.length - refusedBefore;
    await proxy.restore();
    await sending;

    // The processes did talk to PostgreSQL through the proxy, and the outage did refuse webhooks.
    expect(forwardedBefore, context).toBeGreaterThan(0);
    expect(refusedDuringOutage, context).toBeGreaterThan(0);
    await traffic.retryUntilAcknowledged();
    expect(traffic.acknowledged.size, context).toBe(total);
    await expectExactlyOnce({ pool: rig.pool, graph: rig.graph, messages, senders });
    // Both processes lived through it, and stop cleanly.
    expect(await rig.stopGracefully(), context).toEqual({ server: 0, worker: 0 });
  });
});
