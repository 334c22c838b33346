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

/** Counts one failure on every key and returns the wait it set (null while failures are still free). */
export async function recordThrottledFailure(pool: pg.Pool | pg.ClientBase, keys: readonly ThrottleKey[]): Promise<Date | null> {
  const counted = await pool.query<{ until: Date | null }>(
    `INSERT INTO "SignInThrottle" AS t (key, failures, "lastFailureAt", "blockedUntil")
     SELECT k.key, 1, now(), CASE WHEN k.free < 1 THEN now() + $3::bigint * interval '1 millisecond' END
       FROM unnest($1::text[], $2::int[]) AS k(key, free)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t."lastFailureAt" < now() - $5::bigint * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END,
       "lastFailureAt" = now(),
       "blockedUntil" = CASE
         WHEN (CASE WHEN t."lastFailureAt" < now() - $5::bigint * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END)
              <= (SELECT k2.free FROM unnest($1::text[], $2::int[]) AS k2(key, free) WHERE k2.key = t.key)
         THEN NULL
         ELSE now() + least($4::bigint, $3::bigint * power(2, least(30,
                (CASE WHEN t."lastFailureAt" < now() - $5::bigint * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END)
                - (SELECT k2.free FROM unnest($1::text[], $2::int[]) AS k2(key, free) WHERE k2.key = t.key) - 1))::bigint)
              * interval '1 millisecond'
       END
     RETURNING t."blockedUntil" AS until`,
    [keys.map((k) => k.key), keys.map((k) => k.free), throttleBaseMs, throttleMaxMs, throttleForgetMs],
  );
  const waits = counted.rows.flatMap((row) => (row.until ? [row.until.getTime()] : []));
  return waits.length > 0 ? new Date(Math.max(...waits)) : null;
}

/** A successful sign-in clears its account's counter at that address (the address's own counter keeps counting). */
export async function clearThrottle(pool: pg.Pool | pg.ClientBase, key: ThrottleKey): Promise<void> {
  await pool.query(`DELETE FROM "SignInThrottle" WHERE key = $1`, [key.key]);
}
