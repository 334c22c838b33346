import type { Logger } from 'pino';
import type { BridgeRegistry } from '../bridges/bridge-registry.js';
import { exclusiveKinds } from '../bridges/bridge-registry.js';
import type { Database } from '../db/prisma.js';
import type { QueueBackend, WorkerHandle } from '../jobs/queue-backend.js';
import type { SendTransport } from '../jobs/workers.js';
import { accountSendQueue, recordFailures, sendProcessor } from '../jobs/workers.js';
import type { LivePublisher } from '../core/ports.js';
import type { AccountLease, AccountLeases } from './leases/account-leases.js';

export interface AccountSupervisorOptions {
  db: Database;
  leases: AccountLeases;
  registry: BridgeRegistry & SendTransport;
  backend: QueueBackend;
  logger: Logger;
  live?: LivePublisher;
  intervalMs: number;
}

interface Held {
  lease: AccountLease;
  sender: WorkerHandle;
}

/**
 * Connects the accounts that are one live connection (a linked WhatsApp phone, a Signal daemon) in exactly one
 * process: every interval it renews the leases it holds (stopping any it lost), and takes the lease of any account
 * nobody holds, starting its bridge and the consumer of its send queue. A holder that dies is replaced within a lease
 * TTL plus an interval.
 */
export class AccountSupervisor {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: AccountSupervisorOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'account supervision failed'))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass; concurrent calls share it. */
  tick(): Promise<void> {
    this.running ??= this.tickOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async tickOnce(): Promise<void> {
    const { db, leases, logger } = this.options;
    const wanted = await db.pool.query<{ id: string }>(
      `SELECT id FROM "ChannelAccount"
        WHERE "removedAt" IS NULL AND NOT paused AND (kind::text = ANY($1::text[]) OR config->>'exclusive' = 'true')`,
      [exclusiveKinds],
    );
    const wantedIds = new Set(wanted.rows.map((row) => row.id));
    for (const [accountId, held] of this.held) {
      if (!wantedIds.has(accountId) || !(await held.lease.renew().catch(() => false))) {
        logger.warn({ accountId }, wantedIds.has(accountId) ? 'account lease lost; disconnecting here' : 'account paused or removed; disconnecting');
        await this.drop(accountId);
      }
    }
    for (const accountId of wantedIds) {
      if (this.stopped || this.held.has(accountId)) continue;
      const lease = await leases.tryAcquire(accountId);
      if (!lease) continue;
      await db.pool.query(
        `UPDATE "ChannelAccount" SET "leaseHolder" = $2, "leaseToken" = $3 WHERE id = $1 AND COALESCE("leaseToken", 0) <= $3`,
        [accountId, leases.holderId, lease.token.toString()],
      );
      this.options.registry.claim(accountId);
      const sender = this.options.backend.worker(accountSendQueue(accountId), sendProcessor({ ...this.options, transport: this.options.registry }), { concurrency: 1 });
      recordFailures(sender, 'send', db, logger);
      this.held.set(accountId, { lease, sender });
      logger.info({ accountId, holder: leases.holderId, fencingToken: lease.token.toString() }, 'account connected here');
      // The bridge reports its own connection trouble as state; a failure to even start is logged and retried by
      // releasing the lease for another pass.
      await this.options.registry.get(accountId).catch(async (error: unknown) => {
        logger.warn({ accountId, err: error }, 'bridge did not start; releasing the account');
        await this.drop(accountId);
      });
    }
  }

  private async drop(accountId: string): Promise<void> {
    const held = this.held.get(accountId);
    this.held.delete(accountId);
    await this.options.registry.release(accountId).catch(() => undefined);
    await held?.sender.close().catch(() => undefined);
    await held?.lease.release().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    for (const accountId of [...this.held.keys()]) await this.drop(accountId);
    await this.options.leases.close();
  }
}
