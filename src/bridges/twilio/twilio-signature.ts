import { createHmac, timingSafeEqual } from 'node:crypto';

// X-Twilio-Signature as Twilio documents it (twilio.com/docs/usage/webhooks/webhooks-security): the full URL Twilio
// called, then every POST parameter sorted by name, each name immediately followed by its value; HMAC-SHA1 with the
// auth token; base64. When a Webhooks Rule matches the URL, Twilio signs the same string with the rule's SharedKey
// secret and the rule's algorithm (HMAC-SHA256), and says so in X-Twilio-Webhooks-Signature-Settings.

export type TwilioSignatureAlgorithm = 'HMAC_SHA1' | 'HMAC_SHA256';
const hashOf: Record<TwilioSignatureAlgorithm, { hash: string; pattern: RegExp }> = {
  HMAC_SHA1: { hash: 'sha1', pattern: /^[A-Za-z0-9+/]{27}=$/ },
  HMAC_SHA256: { hash: 'sha256', pattern: /^[A-Za-z0-9+/]{43}=$/ },
};

/** X-Twilio-Webhooks-Signature-Settings (`key=<name>,algorithm=<name>`), read as Twilio's own library reads it. */
export function readSignatureSettings(header: string | undefined): { key?: string; algorithm: string } | null {
  if (header === undefined || header.trim() === '') return null;
  const fields = new Map<string, string>();
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator !== -1) fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  const key = fields.get('key');
  return { ...(key ? { key } : {}), algorithm: (fields.get('algorithm') || 'HMAC_SHA1').toUpperCase() };
}

/** The signature Twilio sends for a POST to `url` with these (decoded) form parameters. */
export function twilioSignature(
  authToken: string,
  url: string,
  params: readonly (readonly [string, string])[],
  algorithm: TwilioSignatureAlgorithm = 'HMAC_SHA1',
): string {
  // Sorted by name as plain code units (Twilio's "Unix-style case-sensitive" order); a repeated name by value.
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac(hashOf[algorithm].hash, authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URLs Twilio may have signed for `url`: as given, and with the default port added or removed, because Twilio's
 * own libraries accept either (whether the port is in the signed URL depends on how the webhook was entered).
 */
export function signedUrlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const variants = new Set([url]);
  if (defaultPort && (parsed.port === '' || parsed.port === defaultPort)) {
    const withPort = `${parsed.protocol}//${parsed.username ? `${parsed.username}:${parsed.password}@` : ''}${parsed.hostname}:${defaultPort}${parsed.pathname}${parsed.search}`;
    const without = new URL(url);
    without.port = '';
    variants.add(withPort);
    variants.add(without.toString());
  }
  return [...variants];
}

export interface VerifyTwilioSignatureOptions {
  /** The auth token, or a Webhooks Rule's SharedKey secret. */
  authToken: string;
  url: string;
  params: readonly (readonly [string, string])[];
  signature: string | undefined;
  algorithm?: TwilioSignatureAlgorithm;
}

export function verifyTwilioSignature(options: VerifyTwilioSignatureOptions): boolean {
  const algorithm = options.algorithm ?? 'HMAC_SHA1';
  if (!options.signature || !hashOf[algorithm].pattern.test(options.signature)) return false;
  const given = Buffer.from(options.signature, 'base64');
  return signedUrlVariants(options.url).some((url) => {
    const expected = Buffer.from(twilioSignature(options.authToken, url, options.params, algorithm), 'base64');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

export const isTwilioSignatureAlgorithm = (name: string): name is TwilioSignatureAlgorithm => Object.hasOwn(hashOf, name);
