import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createKeyring } from '../../../../src/core/crypto/secret-box.js';
import { createLogger } from '../../../../src/logger.js';
import type { BridgeEvent, RecordedEvent } from '../../../../src/core/bridge-events.js';
import { recordBridgeEvent } from '../../../../src/core/record-bridge-event.js';
import { createJobDispatcher } from '../../../../src/jobs/job-dispatcher.js';
import type { RunningMatterline } from '../../../../src/runtime/start-matterline.js';
import type { BridgeContext } from '../../../../src/bridges/bridge.js';
import { startTestMatterline } from '../../../support/matterline.js';
import type { TestDatabase } from '../../../support/test-database.js';
import { createTestDatabase } from '../../../support/test-database.js';
import { createGuardedFetcher } from '../../../../src/net/guarded-fetch.js';
// The provider doubles listen on loopback, which the guard refuses unless allowed.
const loopbackFetcher = createGuardedFetcher(['127.0.0.1', '::1', 'localhost']);

// Socket bridges are driven here the way the runtime drives them, but built by the test (with a fake socket or a
// fake daemon) instead of by the registry: their context records every event through the core's real capture into a
// Matterline of the test's own (database, queue prefix), so the checks read the record, not mocks.

export interface SocketHarness {
  app: RunningMatterline;
  accountId: string;
  firmId: string;
  /** Every event the bridge emitted, in order, with what recording it produced (or the error). */
  emitted: { event: BridgeEvent; recorded?: RecordedEvent; error?: unknown }[];
  /** A context for the bridge under test; `failNext` makes the next n emits fail as a broken database would. */
  context(config: Record<string, unknown>): BridgeContext;
  failNext(count: number): void;
  /** Messages of the account with this provider id (more than one would break idempotency). */
  stored(providerMessageId: string): Promise<StoredMessage[]>;
  /** Inbound messages of the account (the worker's own consent requests and replies are outbound). */
  messageCount(): Promise<number>;
  stop(): Promise<void>;
}

export type StoredMessage = Awaited<ReturnType<typeof findStored>>[number];

const findStored = (app: RunningMatterline, accountId: string, providerMessageId: string) =>
  app.db.prisma.message.findMany({
    where: { accountId, providerMessageId },
    include: { attachments: true, identity: true, conversation: true, statusEvents: true },
  });

export async function startSocketHarness(kind: 'signal' | 'baileys' | 'whatsapp_web'): Promise<SocketHarness & { database: TestDatabase }> {
  const database = await createTestDatabase();
  const app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
  const firm = await app.db.prisma.firm.findFirstOrThrow();
  // A row the registry would never start by itself in this test: the bridge under test is built by hand.
  const account = await app.db.prisma.channelAccount.create({
    data: { firmId: firm.id, kind, name: `${kind} test ${randomBytes(3).toString('hex')}`, paused: true },
  });
  const dispatcher = createJobDispatcher({ backend: app.backend });
  // The app's own key (generated in its data folder, as on a single machine): media bytes a bridge hands over are
  // encrypted into the blob store at capture, as the registry's record does.
  const keyring = createKeyring(Buffer.from(readFileSync(path.join(app.config.dataDir, 'secret-key'), 'utf8').trim(), 'hex'));
  const logger = createLogger({ logLevel: 'silent' });
  const emitted: SocketHarness['emitted'] = [];
  let failures = 0;
  return {
    database,
    app,
    accountId: account.id,
    firmId: firm.id,
    emitted,
    context: (config) => ({
      accountId: account.id,
      config,
      logger,
      fetcher: loopbackFetcher,
      async emit(event) {
        const entry: SocketHarness['emitted'][number] = { event };
        emitted.push(entry);
        if (failures > 0) {
          failures--;
          entry.error = new Error('the database is down (simulated)');
          throw entry.error;
        }
        try {
          entry.recorded = await recordBridgeEvent({ db: app.db, dispatcher, event, keyring });
          return entry.recorded;
        } catch (error) {
          entry.error = error;
          throw error;
        }
      },
    }),
    failNext(count) {
      failures = count;
    },
    stored: (providerMessageId) => findStored(app, account.id, providerMessageId),
    messageCount: () => app.db.prisma.message.count({ where: { accountId: account.id, direction: 'inbound' } }),
    async stop() {
      await app.stop();
      await database.drop();
    },
  };
}
