export interface JobBatcherOptions<K, R> {
  /**
   * Does the work of several jobs together, all or nothing: when it throws, none of them took effect. Returns a
   * result for every key it was given. It calls `admitNext` once whatever orders it before later batches is taken
   * (its locks): the next batch may start from then on. Not calling it is allowed; the next batch then starts when
   * this one ends, or when another running batch admits it.
   */
  runBatch(keys: readonly K[], admitNext: () => void): Promise<ReadonlyMap<K, R>>;
  /** The most keys in one batch. */
  maxBatch: number;
  /** How many batches may run at once (default 2): one can wait on PostgreSQL while the next is being decided. */
  maxInFlight?: number;
  /**
   * Whether the keys of a batch that failed with this error should be run again one at a time (default: always).
   * No for a failure that would fail each of them alike (the database is unreachable): they then all fail at once.
   */
  retryAlone?(error: unknown): boolean;
  /** A batch of more than one failed; `retried` tells whether its keys are now run one at a time. */
  onBatchFailure?(error: unknown, size: number, retried: boolean): void;
}

export interface JobBatcher<K, R> {
  /** Runs the key's work in the next batch; settles with the key's own outcome. */
  submit(key: K): Promise<R>;
}

interface Pending<K, R> {
  key: K;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Groups the jobs a worker runs at the same time (BullMQ hands a worker up to `concurrency` of them at once) into
 * batches, so that their work shares one transaction and one commit. Batches start in submission order, each when
 * the one before it admits it (see runBatch) or ends; what is submitted meanwhile waits and forms the next batch, so
 * batches grow with the load and a lone job waits for nothing but the next turn of the event loop.
 *
 * One failing job must not hold up the others: when a batch fails, each of its keys is run again on its own (in
 * order), and each submitter gets that run's outcome; unless `retryAlone` says that would not help.
 */
export function createJobBatcher<K, R>(options: JobBatcherOptions<K, R>): JobBatcher<K, R> {
  const maxBatch = Math.max(1, options.maxBatch);
  const maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  const pending: Pending<K, R>[] = [];
  let running = 0;
  // A running batch has not admitted the next one yet.
  let holding = false;
  let scheduled = false;

  const settle = (entry: Pending<K, R>, results: ReadonlyMap<K, R>) => {
    if (results.has(entry.key)) entry.resolve(results.get(entry.key) as R);
    else entry.reject(new Error('the batch returned no result for this job'));
  };

  const runAlone = async (entry: Pending<K, R>, admitNext: () => void) => {
    try {
      settle(entry, await options.runBatch([entry.key], admitNext));
    } catch (error) {
      entry.reject(error);
    }
  };

  const run = async (batch: Pending<K, R>[], admitNext: () => void) => {
    if (batch.length === 1) return runAlone(batch[0]!, admitNext);
    let results: ReadonlyMap<K, R>;
    try {
      results = await options.runBatch(
        batch.map((entry) => entry.key),
        admitNext,
      );
    } catch (error) {
      const retried = options.retryAlone?.(error) ?? true;
      options.onBatchFailure?.(error, batch.length, retried);
      if (!retried) for (const entry of batch) entry.reject(error);
      else for (const entry of batch) await runAlone(entry, admitNext);
      return;
    }
    for (const entry of batch) settle(entry, results);
  };

  const start = () => {
    const batch = pending.splice(0, maxBatch);
    running += 1;
    holding = true;
    let admitted = false;
    const admitNext = () => {
      if (admitted) return;
      admitted = true;
      holding = false;
      pump();
    };
    // run() never rejects: every failure settles its own jobs.
    void run(batch, admitNext).finally(() => {
      running -= 1;
      admitNext();
      pump();
    });
  };

  const pump = () => {
    while (pending.length > 0 && running < maxInFlight && !holding) start();
  };

  return {
    submit(key) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ key, resolve, reject });
        // A running batch starts the next one when it admits it or ends, with all that arrived by then.
        if (scheduled || running > 0) return;
        scheduled = true;
        // The jobs BullMQ starts together arrive within a turn or two of the event loop: let them join.
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      });
    },
  };
}
