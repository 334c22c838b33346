import { describe, expect, it } from 'vitest';
import { createJobBatcher } from '../../src/jobs/job-batcher.js';

/** A batch runner that records each batch and answers every key with its square, or fails batches holding `bad`. */
function squares(options: { bad?: number; gate?: Promise<void> } = {}) {
  const batches: number[][] = [];
  const runBatch = async (keys: readonly number[]) => {
    batches.push([...keys]);
    await options.gate;
    if (options.bad !== undefined && keys.includes(options.bad)) throw new Error(`${options.bad} is bad`);
    return new Map(keys.map((key) => [key, key * key]));
  };
  return { batches, runBatch };
}

describe('job batcher', () => {
  it('runs what is submitted together as one batch, in submission order', async () => {
    const runner = squares();
    const batcher = createJobBatcher({ ...runner, maxBatch: 10 });
    expect(await Promise.all([3, 1, 2].map((key) => batcher.submit(key)))).toEqual([9, 1, 4]);
    expect(runner.batches).toEqual([[3, 1, 2]]);
  });

  it('collects what arrives while a batch runs into the next batch, never more than maxBatch at once', async () => {
    let open!: () => void;
    const runner = squares({ gate: new Promise<void>((resolve) => (open = resolve)) });
    const batcher = createJobBatcher({ ...runner, maxBatch: 3 });
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4, 5].map((key) => batcher.submit(key));
    open();
    expect(await Promise.all([first, ...later])).toEqual([1, 4, 9, 16, 25]);
    expect(runner.batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('starts the next batch once the running one admits it, with no more than maxInFlight running', async () => {
    const started: number[][] = [];
    const running: { admit: () => void; finish: () => void }[] = [];
    const batcher = createJobBatcher<number, number>({
      maxBatch: 10,
      maxInFlight: 2,
      runBatch: async (keys, admitNext) => {
        started.push([...keys]);
        await new Promise<void>((finish) => running.push({ admit: admitNext, finish }));
        return new Map(keys.map((key) => [key, key]));
      },
    });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const results = [batcher.submit(1)];
    await turn();
    results.push(batcher.submit(2), batcher.submit(3));
    await turn();
    expect(started).toEqual([[1]]);
    running[0]!.admit();
    expect(started).toEqual([[1], [2, 3]]);
    results.push(batcher.submit(4));
    running[1]!.admit();
    await turn();
    expect(started).toEqual([[1], [2, 3]]);
    running[0]!.finish();
    await turn();
    expect(started).toEqual([[1], [2, 3], [4]]);
    running[1]!.finish();
    running[2]!.finish();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
  });

  it('runs each key of a failed batch on its own; only the bad one fails', async () => {
    const runner = squares({ bad: 2 });
    const failures: number[] = [];
    const batcher = createJobBatcher({ ...runner, maxBatch: 10, onBatchFailure: (_error, size) => failures.push(size) });
    const outcomes = await Promise.allSettled([1, 2, 3].map((key) => batcher.submit(key)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('2 is bad') },
      { status: 'fulfilled', value: 9 },
    ]);
    expect(runner.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(failures).toEqual([3]);
  });

  it('fails the whole batch at once when running its keys alone would not help', async () => {
    const runner = squares({ bad: 2 });
    const batcher = createJobBatcher({ ...runner, maxBatch: 10, retryAlone: () => false });
    const outcomes = await Promise.allSettled([1, 2, 3].map((key) => batcher.submit(key)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(runner.batches).toEqual([[1, 2, 3]]);
  });

  it('fails a job the batch gave no result for', async () => {
    const batcher = createJobBatcher<number, number>({ runBatch: async () => new Map(), maxBatch: 10 });
    await expect(batcher.submit(1)).rejects.toThrow('no result');
  });
});
