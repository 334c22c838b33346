import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/matterline.js';
import type { FaultRig } from './support/fault-rig.js';
import { startFaultRig } from './support/fault-rig.js';
import { expectExactlyOnce } from './support/expect-exactly-once.js';
import { seededRandom } from './support/random.js';
import { WebhookTraffic, planMessages } from './support/webhook-traffic.js';

const total = 5000;

// The server and the worker each die by SIGKILL twice, at random moments of a 5,000-message run through the
// WhatsApp Cloud webhook, and come back. Nothing acknowledged is lost, nothing is stored or processed twice, no
// consent request goes out twice, and every message the dead server could not acknowledge gets in on a retry.
describe('SIGKILL of the server and the worker during a run', () => {
  let rig: FaultRig | undefined;
  afterAll(async () => {
    await rig?.close();
  });

  it(`keeps each of ${total} messages exactly once`, { timeout: 420_000 }, async () => {
    const random = seededRandom();
    const context = `seed ${random.seed} (FAULT_SEED=${random.seed} replays it)`;
    rig = await startFaultRig({ queue: 'redis' });
    const { messages, senders } = planMessages({ total, senders: 40, tag: '01' });
    const traffic = new WebhookTraffic(messages, { url: () => rig!.serverUrl });

    // Two kills of each process, in a random order, at random points between 10 % and 80 % of the run.
    const kills = (['server', 'server', 'worker', 'worker'] as const)
      .map((who) => ({ who, at: Math.floor(random.between(0.1, 0.8) * total), downMs: random.between(0, 1500) }))
      .sort((a, b) => a.at - b.at);
    const sending = traffic.run();
    let sendingDone = false;
    const markDone = () => {
      sendingDone = true;
    };
    sending.then(markDone, markDone);
    // A server killed while the traffic is still sending refuses some of it. (Kills come one after the other, each
    // with its downtime, so with some seeds the traffic is all delivered before a later kill: that kill and restart
    // still happen, but no delivery can be refused by it.)
    let serverKilledWhileSending = false;
    for (const kill of kills) {
      await waitFor(async () => traffic.answers.size >= kill.at, { timeoutMs: 300_000, intervalMs: 20, what: `message ${kill.at} (${context})` });
      if (kill.who === 'server' && !sendingDone) serverKilledWhileSending = true;
      if (kill.who === 'server') await rig.killServer();
      else await rig.killWorker();
      await new Promise((resolve) => setTimeout(resolve, kill.downMs));
      if (kill.who === 'server') await rig.startServer();
      else await rig.startWorker();
    }
    await sending;

    // The dead server refused some; Meta would deliver those again, and so do we.
    if (serverKilledWhileSending) expect(traffic.everRefused.length, context).toBeGreaterThan(0);
    await traffic.retryUntilAcknowledged();
    expect(traffic.acknowledged.size, context).toBe(total);
    await expectExactlyOnce({ pool: rig.pool, graph: rig.graph, messages, senders });

    expect(await rig.stopGracefully(), context).toEqual({ server: 0, worker: 0 });
  });
});
