export interface JobBatcherOptions<K, R> {
  /**
   * Does the work of several jobs together, all or nothing: when it throws, none of them took effect. Returns a
   * result for every key it was given.
   */
  runBatch(keys: readonly K[]): Promise<ReadonlyMap<K, R>>;
  /** The most keys in one batch. */
  maxBatch: number;
  /** A batch of more than one failed; its keys are now run one at a time. */
  onBatchFailure?(error: unknown, size: number): void;
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
 * batches, so that their work shares one transaction and one commit. One batch runs at a time, in submission order;
 * what is submitted meanwhile waits and forms the next batch, so batches grow with the load and a lone job waits for
 * nothing but the next turn of the event loop.
 *
 * One failing job must not hold up the others: when a batch fails, each of its keys is run again on its own (in
 * order), and each submitter gets that run's outcome.
 */
export function createJobBatcher<K, R>(options: JobBatcherOptions<K, R>): JobBatcher<K, R> {
  const maxBatch = Math.max(1, options.maxBatch);
  const pending: Pending<K, R>[] = [];
  let draining = false;

  const settle = (entry: Pending<K, R>, results: ReadonlyMap<K, R>) => {
    if (results.has(entry.key)) entry.resolve(results.get(entry.key) as R);
    else entry.reject(new Error('the batch returned no result for this job'));
  };

  const runAlone = async (entry: Pending<K, R>) => {
    try {
      settle(entry, await options.runBatch([entry.key]));
    } catch (error) {
      entry.reject(error);
    }
  };

  const run = async (batch: Pending<K, R>[]) => {
    if (batch.length === 1) return runAlone(batch[0]!);
    let results: ReadonlyMap<K, R>;
    try {
      results = await options.runBatch(batch.map((entry) => entry.key));
    } catch (error) {
      options.onBatchFailure?.(error, batch.length);
      for (const entry of batch) await runAlone(entry);
      return;
    }
    for (const entry of batch) settle(entry, results);
  };

  const drain = async () => {
    try {
      while (pending.length > 0) await run(pending.splice(0, maxBatch));
    } finally {
      draining = false;
    }
  };

  return {
    submit(key) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ key, resolve, reject });
        if (draining) return;
        draining = true;
        // The jobs BullMQ starts together arrive within a turn or two of the event loop: let them join.
        setImmediate(() => void drain());
      });
    },
  };
}
