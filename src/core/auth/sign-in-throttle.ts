import type pg from 'pg';
import { AppError } from '../errors.js';

// Guessing is slowed where the guesses come from, never by locking the account they aim at: a stranger who types
// wrong passwords for a lawyer's email from their own address only slows themselves, and the lawyer signs in from
// hers. Two counters are kept for each failure: the account (its email, known to the firm or not, so the answer for
// an unknown email is the same) at this client address, and the address alone, which bounds spraying one password
// over many emails. Past its free failures each counter makes the next attempt wait, twice as long after each
// further failure, up to a cap; an hour without failures starts it afresh.

export interface ThrottleKey {
  key: string;
  /** Failures allowed before any wait. */
  free: number;
}

/** The first wait, and the longest. */
export const throttleBaseMs = 5_000;
export const throttleMaxMs = 15 * 60_000;
/** A counter with no failure for this long starts again from nothing. */
export const throttleForgetMs = 60 * 60_000;

export const accountFreeFailures = 5;
export const addressFreeFailures = 20;

/** The counters a password sign-in for `email` from `ip` touches. */
export function passwordThrottleKeys(email: string, ip: string | undefined): ThrottleKey[] {
  const address = ip ?? 'unknown';
  return [
    { key: `account:${email.trim().toLowerCase()}|${address}`, free: accountFreeFailures },
    { key: `address:${address}`, free: addressFreeFailures },
  ];
}

/** The counters a TOTP code for `userId` from `ip` touches (the guesser has the password already). */
export function totpThrottleKeys(userId: string, ip: string | undefined): ThrottleKey[] {
  const address = ip ?? 'unknown';
  return [
    { key: `totp:${userId}|${address}`, free: accountFreeFailures },
    { key: `address:${address}`, free: addressFreeFailures },
  ];
}

export const throttledError = (until: Date) =>
  new AppError('rate_limited', 'too many failed attempts from this address; wait before trying again', {
    retryAt: until.toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)),
  });

/** The end of the wait in force for any of the keys, or null when an attempt may go ahead now. */
export async function throttledUntil(pool: pg.Pool | pg.ClientBase, keys: readonly ThrottleKey[]): Promise<Date | null> {
  const found = await pool.query<{ until: Date | null }>(
    `SELECT max("blockedUntil") AS until FROM "SignInThrottle" WHERE key = ANY($1::text[]) AND "blockedUntil" > now()`,
    [keys.map((k) => k.key)],
  );
  return found.rows[0]?.until ?? null;
}

/** The wait after a key's n-th failure: none while free, then the base, doubling, up to the cap. */
export function throttleWaitMs(failures: number, free: number): number {
  if (failures <= free) return 0;
  return Math.min(throttleMaxMs, throttleBaseMs * 2 ** Math.min(30, failures - free - 1));
}

/** Counts one failure on every key and returns the wait it set (null while failures are still free). */
export async function recordThrottledFailure(pool: pg.Pool | pg.ClientBase, keys: readonly ThrottleKey[]): Promise<Date | null> {
  // An hour without failures starts a counter afresh.
  const counted = await pool.query<{ key: string; failures: number }>(
    `INSERT INTO "SignInThrottle" AS t (key, failures, "lastFailureAt")
     SELECT key, 1, now() FROM unnest($1::text[]) AS k(key)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t."lastFailureAt" < now() - $2::bigint * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END,
       "lastFailureAt" = now()
     RETURNING t.key, t.failures`,
    [keys.map((k) => k.key), throttleForgetMs],
  );
  const freeOf = new Map(keys.map((k) => [k.key, k.free]));
  const waits = counted.rows.map((row) => ({ key: row.key, ms: throttleWaitMs(row.failures, freeOf.get(row.key) ?? 0) }));
  const set = await pool.query<{ until: Date | null }>(
    `UPDATE "SignInThrottle" t SET "blockedUntil" = CASE WHEN w.ms > 0 THEN now() + w.ms * interval '1 millisecond' END
       FROM unnest($1::text[], $2::bigint[]) AS w(key, ms) WHERE t.key = w.key
     RETURNING t."blockedUntil" AS until`,
    [waits.map((w) => w.key), waits.map((w) => w.ms)],
  );
  const until = set.rows.flatMap((row) => (row.until ? [row.until.getTime()] : []));
  return until.length > 0 ? new Date(Math.max(...until)) : null;
}

/** A successful sign-in clears its account's counter at that address (the address's own counter keeps counting). */
export async function clearThrottle(pool: pg.Pool | pg.ClientBase, key: ThrottleKey): Promise<void> {
  await pool.query(`DELETE FROM "SignInThrottle" WHERE key = $1`, [key.key]);
}
