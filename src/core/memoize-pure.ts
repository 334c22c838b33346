/**
 * Memoizes a pure function of a string: the same text always gives the same (shared, never to be mutated) value, so
 * a cache keyed by the text itself can never serve a stale answer. For parsing stored JSON that rarely changes (a
 * firm's settings, its office hours) on every message. At most `limit` texts are kept; past that the cache starts
 * over.
 */
export function memoizePure<T>(fn: (text: string) => T, limit = 256): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    if (cache.has(text)) return cache.get(text) as T;
    const value = fn(text);
    if (cache.size >= limit) cache.clear();
    cache.set(text, value);
    return value;
  };
}
