import { AppError } from '../errors.js';

// User.totpSecret holds, until the schema has columns for it, a small JSON document:
//   {"secret": base32, "enabled": false}            - set up, waiting for the first code to prove the app has it;
//   {"secret": base32, "enabled": true, "lastStep": n} - required at sign-in; lastStep refuses a replayed code.
// A null column means TOTP is off.

export interface TotpCredential {
  secret: string;
  enabled: boolean;
  /** The time step of the last accepted code; a code of this step or earlier is refused. */
  lastStep?: number;
}

/** Null when TOTP is off. An unreadable value throws: a second factor must never be skipped because it is garbled. */
export function readTotpCredential(stored: string | null): TotpCredential | null {
  if (!stored) return null;
  let parsed: Partial<TotpCredential>;
  try {
    parsed = JSON.parse(stored) as Partial<TotpCredential>;
  } catch (error) {
    throw new AppError('internal', 'the stored TOTP setting is unreadable', undefined, { cause: error });
  }
  if (typeof parsed.secret !== 'string' || typeof parsed.enabled !== 'boolean') {
    throw new AppError('internal', 'the stored TOTP setting is unreadable');
  }
  return { secret: parsed.secret, enabled: parsed.enabled, ...(typeof parsed.lastStep === 'number' ? { lastStep: parsed.lastStep } : {}) };
}

export const writeTotpCredential = (credential: TotpCredential): string => JSON.stringify(credential);
