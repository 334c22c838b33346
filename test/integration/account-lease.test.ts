import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutbound } from '../../src/core/capture-outbound.js';
import { createJobDispatcher } from '../../src/jobs/job-dispatcher.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { exited, spawnMatterline, startTestMatterline, testEnv, uniquePrefix, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Invariant 5 with real processes: an account that is one live connection is connected by exactly one worker process;
// a second one leaves it alone; when the holder is killed, the other takes the account over within 30 s, and sends
// keep going out through whichever process holds it.
describe.each(['redis', 'postgres'] as const)('one connection per account (%s lease)', (queue) => {
  let database: TestDatabase;
  let server: RunningMatterline;
  const children: ChildProcess[] = [];
  const logs = new Map<ChildProcess, string>();

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server?.stop();
    await database?.drop();
  });

  const spawnWorker = (env: Record<string, string>) => {
    const child = spawnMatterline('worker', { ...env, LOG_LEVEL: 'info' });
    logs.set(child, '');
    child.stdout?.on('data', (chunk: Buffer) => logs.set(child, logs.get(child) + chunk.toString()));
    children.push(child);
    return child;
  };
  const connectedHere = (child: ChildProcess) =>
    (logs.get(child) ?? '').split('\n').filter((line) => line.includes('"msg":"account connected here"') && line.includes('"accountId":"line"')).length;
  const holder = async () => (await server.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'line' } })).leaseHolder;

  it('keeps the account on one process and hands it over when that process is killed', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix();
    server = await startTestMatterline({ databaseUrl: database.url, queue, prefix, role: 'server' });
    const firm = await server.db.prisma.firm.findFirstOrThrow();
    // A simulator account playing a linked phone: exclusive, like Baileys or Signal.
    await server.db.prisma.channelAccount.create({ data: { id: 'line', firmId: firm.id, kind: 'simulator', name: 'Linked phone', config: { exclusive: true } } });
    await server.db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId: 'line', address: '+15559990001', consentState: 'opted_in' } });

    const env = testEnv({ databaseUrl: database.url, queue, prefix, role: 'worker', supervisorMs: 1000 });
    const first = spawnWorker(env);
    await waitFor(async () => (await holder())?.startsWith(`${first.pid}-`), { timeoutMs: 30_000, what: 'the first worker to take the account' });
    const second = spawnWorker(env);
    await waitFor(async () => /worker is running/.test(logs.get(second) ?? '') || null, { timeoutMs: 30_000, what: 'the second worker to start' });
    await new Promise((resolve) => setTimeout(resolve, 4000)); // several supervision passes of the second worker
    expect((await holder())?.startsWith(`${first.pid}-`)).toBe(true);
    expect(connectedHere(first)).toBe(1);
    expect(connectedHere(second)).toBe(0);

    const dispatcher = createJobDispatcher({ backend: server.backend });
    const sendAndWait = async (text: string) => {
      const sent = await captureOutbound({ db: server.db, dispatcher, to: { accountId: 'line', address: '+15559990001' }, text });
      await waitFor(
        async () => ['sent', 'delivered', 'read'].includes((await server.db.prisma.message.findUniqueOrThrow({ where: { id: sent.messageId } })).status),
        { timeoutMs: 40_000, what: `"${text}" to be sent` },
      );
    };
    // Whichever worker picks the send job, it goes out through the holder.
    for (let i = 0; i < 4; i++) await sendAndWait(`before the crash ${i}`);

    first.kill('SIGKILL');
    await exited(first);
    const killedAt = Date.now();
    await waitFor(async () => (await holder())?.startsWith(`${second.pid}-`), { timeoutMs: 30_000, what: 'the second worker to take over' });
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await waitFor(async () => connectedHere(second) === 1, { what: 'the second worker to report the account connected' });
    await sendAndWait('after the crash');

    const phone = (await (await fetch(`${server.url}/api/simulator/line/phones/+15559990001`)).json()) as { text: string }[];
    expect(phone.map((m) => m.text)).toEqual(['before the crash 0', 'before the crash 1', 'before the crash 2', 'before the crash 3', 'after the crash']);

    second.kill('SIGTERM');
    expect((await exited(second)).code).toBe(0);
  });
});
