import { createHmac, timingSafeEqual } from 'node:crypto';

// Meta's X-Hub-Signature-256: `sha256=` + the hex HMAC-SHA256 of the raw body with the app's secret.

export function hubSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Whether the header signs these exact bytes with this secret (compared in constant time). */
export function hubSignatureMatches(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}
