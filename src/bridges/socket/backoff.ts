export interface BackoffOptions {
  /** The first delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * The delay before reconnect attempt `attempt` (0 = the first retry): exponential, capped, with "full jitter" so
 * that many accounts dropped by one network blip do not reconnect in lockstep.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  // Half fixed, half random: never reconnect instantly in a tight loop, yet spread the herd.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Sleeps, but wakes early (resolving false) when the signal aborts, so stop() never waits out a backoff. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
