// User.passwordHash holds one of two things until the schema has columns of its own for a pending reset:
//   an argon2id hash ($argon2id$...) - the user signs in with that password;
//   reset:<sha256 of the one-time token>:<expiry epoch ms> - no password works; the token sets a new one.
// A reset string is never a valid argon2 hash, so a password check against it simply fails.

export type PasswordCredential =
  | { kind: 'password'; hash: string }
  | { kind: 'reset'; tokenDigest: string; expiresAt: Date }
  | { kind: 'none' };

export function readPasswordCredential(stored: string | null): PasswordCredential {
  if (!stored) return { kind: 'none' };
  const reset = /^reset:([0-9a-f]{64}):(\d+)$/.exec(stored);
  if (reset) return { kind: 'reset', tokenDigest: reset[1]!, expiresAt: new Date(Number(reset[2])) };
  return { kind: 'password', hash: stored };
}

export const resetCredential = (tokenDigest: string, expiresAt: Date): string => `reset:${tokenDigest}:${expiresAt.getTime()}`;
