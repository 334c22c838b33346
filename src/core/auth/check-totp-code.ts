import { verify } from 'otplib';
import type { TotpCredential } from './totp-credential.js';

/**
 * The time step a code proves, or null. One step of clock drift either way is accepted (RFC 6238's advice), and a
 * code of a step already used is refused, so a code seen over someone's shoulder cannot be replayed.
 */
export async function checkTotpCode(credential: TotpCredential, code: string): Promise<number | null> {
  const result = await verify({
    secret: credential.secret,
    token: code,
    epochTolerance: 30,
    ...(credential.lastStep !== undefined ? { afterTimeStep: credential.lastStep } : {}),
  }).catch(() => null);
  // The functional API types TOTP and HOTP results together; only TOTP results carry a time step.
  return result?.valid && 'timeStep' in result ? result.timeStep : null;
}
