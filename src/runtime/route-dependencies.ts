import type { Logger } from 'pino';
import type { BridgeRegistry } from '../bridges/bridge-registry.js';
import type { Config } from '../config.js';
import type { BridgeEvent, RecordedEvent } from '../core/bridge-events.js';
import type { Keyring } from '../core/crypto/secret-box.js';
import type { WorkDispatcher } from '../core/ports.js';
import type { QueueBackend } from '../jobs/queue-backend.js';
import type { Database } from '../db/prisma.js';
import type { LiveBus } from './live/live-bus.js';

/** What HTTP routes are built from. */
export interface RouteDependencies {
  config: Config;
  db: Database;
  logger: Logger;
  dispatcher: WorkDispatcher;
  /** The queues, for the metrics and the queue dashboard. */
  backend: QueueBackend;
  registry: BridgeRegistry;
  /** Records a bridge event (capture-first); webhook handlers answer 2xx only after it resolves. */
  record(event: BridgeEvent): Promise<RecordedEvent>;
  /** Live updates across processes: publish, and subscribe for SSE. */
  live: LiveBus;
  /** Seals account secrets before they are stored. */
  keyring: Keyring;
}
