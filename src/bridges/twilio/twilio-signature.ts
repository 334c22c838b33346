import { createHmac, timingSafeEqual } from 'node:crypto';

// X-Twilio-Signature as Twilio documents it (twilio.com/docs/usage/webhooks/webhooks-security): the full URL Twilio
// called, then every POST parameter sorted by name, each name immediately followed by its value; HMAC-SHA1 with the
// auth token; base64.

/** The signature Twilio sends for a POST to `url` with these (decoded) form parameters. */
export function twilioSignature(authToken: string, url: string, params: readonly (readonly [string, string])[]): string {
  // Sorted by name as plain code units (Twilio's "Unix-style case-sensitive" order); a repeated name by value.
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
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
  authToken: string;
  url: string;
  params: readonly (readonly [string, string])[];
  signature: string | undefined;
}

export function verifyTwilioSignature(options: VerifyTwilioSignatureOptions): boolean {
  if (!options.signature || !/^[A-Za-z0-9+/]{27}=$/.test(options.signature)) return false;
  const given = Buffer.from(options.signature, 'base64');
  return signedUrlVariants(options.url).some((url) => {
    const expected = Buffer.from(twilioSignature(options.authToken, url, options.params), 'base64');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
