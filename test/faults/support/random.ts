// Random moments that a failing run can replay: the seed is in the test's failure message, and FAULT_SEED sets it.

export interface SeededRandom {
  seed: number;
  /** A number in [0, 1). */
  next(): number;
  between(low: number, high: number): number;
}

export function seededRandom(given = process.env.FAULT_SEED): SeededRandom {
  const seed = given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  let state = seed >>> 0;
  // mulberry32
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, between: (low, high) => low + (high - low) * next() };
}
