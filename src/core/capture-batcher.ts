import type { Database } from '../db/prisma.js';
import type { CaptureResult } from './capture-inbound.js';
import { storeCaptures } from './capture-inbound.js';
import type { Keyring } from './crypto/secret-box.js';
import type { MessageEvent } from './events.js';
import type { LiveEvent, LivePublisher, OutboxJob, WorkDispatcher } from './ports.js';
import { publishLive } from './ports.js';

export interface CaptureBatcherOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  /** Told of each new message as soon as it is committed, so open inboxes show it before it is processed. */
  live?: LivePublisher;
  keyring?: Keyring;
  onDispatchError?: (error: unknown) => void;
  /** Most events stored by one statement (one commit). */
  maxBatch?: number;
  /** Batches being committed at once, each on its own connection. */
  maxConcurrent?: number;
  /**
   * How long committed messages' jobs wait for the next commits' before they are queued together (default 3 ms): a
   * queue job per commit costs the worker and Redis more than the messages' own processing.
   */
  dispatchDelayMs?: number;
}

export interface CaptureBatcher {
  /**
   * Captures the events, in their order and in one commit, and resolves once they are committed; rejects with the
   * first event's error when any of them could not be stored (the others are stored, and a redelivery of all of
   * them is harmless). Their jobs are queued right after the commit.
   */
  capture(events: readonly MessageEvent[]): Promise<CaptureResult[]>;
  /** Waits for everything submitted to be committed and queued. */
  drain(): Promise<void>;
}

interface Submission {
  events: readonly MessageEvent[];
  resolve(results: CaptureResult[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for capture. Each capture is still answered only after the commit that holds it, but captures that
 * arrive while a commit is under way wait for the next one and share it: at low traffic every message is committed
 * on its own at once, and under load one statement and one WAL flush carry many messages instead of one each.
 * Events of one submission always share a commit, in their order.
 */
export function createCaptureBatcher(options: CaptureBatcherOptions): CaptureBatcher {
  const maxBatch = options.maxBatch ?? 500;
  const maxConcurrent = options.maxConcurrent ?? 4;
  // Below this many events a batch is not split further: tiny commits would cost more than they spread.
  const minShare = 32;
  const pending: Submission[] = [];
  const running = new Set<Promise<void>>();
  let inFlight = 0;

  const pendingEvents = () => pending.reduce((sum, submission) => sum + submission.events.length, 0);

  /** The next batch: a share of what is waiting, so that a burst is committed by every slot at once, not one. */
  const takeBatch = (): Submission[] => {
    const limit = Math.min(maxBatch, Math.max(minShare, Math.ceil(pendingEvents() / maxConcurrent)));
    const batch: Submission[] = [];
    let size = 0;
    while (pending.length > 0) {
      const next = pending[0]!;
      if (batch.length > 0 && size + next.events.length > limit) break;
      batch.push(pending.shift()!);
      size += next.events.length;
    }
    return batch;
  };

  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const pump = () => {
    while (inFlight < maxConcurrent && pending.length > 0) {
      const batch = takeBatch();
      inFlight++;
      track(
        commit(batch).finally(() => {
          inFlight--;
          pump();
        }),
      );
    }
  };

  const commit = async (batch: Submission[]): Promise<void> => {
    // Never throws: what could not be stored is each event's own failed outcome.
    const outcomes = await storeCaptures(options.db, batch.flatMap((submission) => submission.events), options.keyring);
    const jobs: OutboxJob[] = [];
    const created: LiveEvent[] = [];
    let offset = 0;
    for (const submission of batch) {
      const mine = outcomes.slice(offset, offset + submission.events.length);
      offset += submission.events.length;
      const failed = mine.find((outcome) => !outcome.ok);
      if (failed) submission.reject(failed.error);
      const results: CaptureResult[] = [];
      for (const outcome of mine) {
        if (!outcome.ok) continue;
        const { jobs: own, ...result } = outcome.value;
        jobs.push(...own);
        results.push(result);
        if (!result.duplicate) {
          created.push({ type: 'message.created', firmId: result.firmId, conversationId: result.conversationId, messageId: result.messageId });
        }
      }
      if (!failed) submission.resolve(results);
    }
    // After the answer: queueing and live pushes are best effort (the outbox sweeper queues what this misses).
    track(afterCommit(jobs, created));
  };

  // Jobs of commits that end close together are queued together: one queue job carries up to 500 messages.
  const dispatchDelayMs = options.dispatchDelayMs ?? 3;
  let waitingJobs: OutboxJob[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushed: (() => void) | undefined;
  const flush = () => {
    flushTimer = undefined;
    const jobs = waitingJobs;
    const done = flushed;
    waitingJobs = [];
    flushed = undefined;
    void options.dispatcher
      .dispatch(jobs)
      .catch((error: unknown) => options.onDispatchError?.(error))
      .finally(() => done?.());
  };
  const dispatchSoon = (jobs: OutboxJob[]) => {
    if (jobs.length === 0) return;
    waitingJobs.push(...jobs);
    // drain() waits for the jobs still to be queued, as it waits for the commits.
    if (!flushed) track(new Promise<void>((resolve) => (flushed = resolve)));
    if (waitingJobs.length >= 500) {
      clearTimeout(flushTimer);
      flush();
      return;
    }
    flushTimer ??= setTimeout(flush, dispatchDelayMs);
  };

  const afterCommit = async (jobs: OutboxJob[], created: LiveEvent[]): Promise<void> => {
    dispatchSoon(jobs);
    if (options.live) await publishLive(options.live, created).catch(() => undefined);
  };

  return {
    capture(events) {
      if (events.length === 0) return Promise.resolve([]);
      return new Promise<CaptureResult[]>((resolve, reject) => {
        pending.push({ events, resolve, reject });
        pump();
      });
    },
    async drain() {
      // Something waiting always has a commit in flight ahead of it, so waiting for what runs waits for everything.
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
