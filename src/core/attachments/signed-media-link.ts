import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring, SecretKey } from '../crypto/secret-box.js';

// A link to one file of one outbound message, for a provider that fetches what it sends (Twilio's MediaUrl): signed
// with a key derived from the server's secret key, and good until it expires. Nothing else can be fetched with it.

/** Twilio fetches a message's media when it sends it; four hours covers its retries. */
export const mediaLinkLifetimeMs = 4 * 60 * 60 * 1000;

const linkKey = (key: SecretKey) => createHmac('sha256', key.key).update('matterline outbound media link v1').digest();
const signatureOf = (key: SecretKey, attachmentId: string, expires: number) =>
  createHmac('sha256', linkKey(key)).update(`${attachmentId}.${expires}`).digest('hex');

/** The path and query of the link (to be put after the server's public origin). */
export function signMediaLink(keyring: Keyring, attachmentId: string, now: Date = new Date()): string {
  const expires = Math.floor((now.getTime() + mediaLinkLifetimeMs) / 1000);
  const query = new URLSearchParams({ expires: String(expires), key: keyring.current.id, signature: signatureOf(keyring.current, attachmentId, expires) });
  return `/media/outbound/${encodeURIComponent(attachmentId)}?${query}`;
}

export type MediaLinkCheck = { ok: true } | { ok: false; problem: string };

export function verifyMediaLink(
  keyring: Keyring,
  attachmentId: string,
  query: { expires?: unknown; key?: unknown; signature?: unknown },
  now: Date = new Date(),
): MediaLinkCheck {
  const { expires, key, signature } = query;
  if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof key !== 'string' || typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, problem: 'the link is incomplete' };
  }
  const secret = keyring.byId.get(key);
  if (!secret) return { ok: false, problem: 'the link was signed with a key this server no longer has' };
  const expected = Buffer.from(signatureOf(secret, attachmentId, Number(expires)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, problem: 'the link’s signature does not match' };
  if (Number(expires) * 1000 < now.getTime()) return { ok: false, problem: 'the link has expired' };
  return { ok: true };
}
