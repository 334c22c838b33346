import type { Logger } from 'pino';
import type { Database } from '../db/prisma.js';
import type { JobName, OutboxJob, WorkDispatcher } from '../core/ports.js';
import { createJobDispatcher } from './job-dispatcher.js';
import type { QueueBackend } from './queue-backend.js';

export interface OutboxSweeperOptions {
  db: Database;
  backend: QueueBackend;
  logger: Logger;
  intervalMs: number;
  /** Rows younger than this were just queued by their writer; leave them be on periodic sweeps. */
  graceMs?: number;
  batchSize?: number;
}

// Jobs queued per round trip to the queue.
const SWEEP_CHUNK = 500;

/**
 * Re-queues whatever the outbox says still needs doing: on start (everything due) and every intervalMs (what is
 * due and older than the grace). This is what makes Redis only transport: after a flush, a crash between commit and
 * queueing, or a failed attempt whose backoff has passed, the job is rebuilt from PostgreSQL.
 */
export class OutboxSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  private readonly dispatcher: WorkDispatcher;

  constructor(private readonly options: OutboxSweeperOptions) {
    this.dispatcher = createJobDispatcher({ backend: options.backend, timeoutMs: 30_000 });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep(0);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep(this.options.graceMs ?? 2000)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'outbox sweep failed'))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass; returns how many jobs it queued. Concurrent calls share one pass. */
  sweep(graceMs: number): Promise<number> {
    this.running ??= this.sweepOnce(graceMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(graceMs: number): Promise<number> {
    const batchSize = this.options.batchSize ?? 2000;
    let queued = 0;
    let afterId = '0';
    for (;;) {
      const due = await this.options.db.pool.query<{ id: string; jobName: string; jobId: string; payload: OutboxJob['payload'] }>(
        `SELECT id::text, "jobName", "jobId", payload FROM "Outbox"
          WHERE status = 'pending' AND "runAfter" <= now() - make_interval(secs => $1::double precision / 1000)
            AND id > $2::bigint
          ORDER BY id LIMIT $3`,
        [graceMs, afterId, batchSize],
      );
      // In bulk: while the workers are behind, every pending row is due again at each sweep (BullMQ still holds
      // most of them and ignores the repeat), and one round trip per row cost the worker more than the work itself.
      for (let from = 0; from < due.rows.length; from += SWEEP_CHUNK) {
        const chunk = due.rows.slice(from, from + SWEEP_CHUNK);
        await this.dispatcher.dispatch(chunk.map((row) => ({ jobName: row.jobName as JobName, jobId: row.jobId, payload: row.payload })));
        queued += chunk.length;
      }
      const last = due.rows.at(-1);
      if (!last || due.rows.length < batchSize || this.stopped) break;
      afterId = last.id;
    }
    if (queued > 0) this.options.logger.info({ queued }, 'outbox sweep queued pending jobs');
    return queued;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
