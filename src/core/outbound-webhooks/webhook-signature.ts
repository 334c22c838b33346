import { createHmac, timingSafeEqual } from 'node:crypto';

// Deliveries are signed like Stripe's: HMAC-SHA256, keyed with the endpoint's secret, over "<timestamp>.<body>" (the
// timestamp in Unix seconds, the body byte for byte as sent). The timestamp travels in its own header and is covered
// by the signature, so a captured request cannot be replayed later with a fresh one; receivers refuse old ones.

export const signatureHeader = 'x-matterline-signature';
export const timestampHeader = 'x-matterline-timestamp';
export const eventHeader = 'x-matterline-event';
export const deliveryHeader = 'x-matterline-delivery';

/** How old a timestamp a receiver should still accept. */
export const defaultToleranceSeconds = 300;

/** The signature header's value: "v1=<hex>". */
export function signWebhook(options: { secret: string; timestamp: number; body: string }): string {
  const mac = createHmac('sha256', options.secret).update(`${options.timestamp}.${options.body}`, 'utf8').digest('hex');
  return `v1=${mac}`;
}

export interface VerifyWebhookOptions {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}

/**
 * What a receiver does: true when the signature is the body's and the timestamp is recent. Several "v1=" values
 * (comma-separated) may come during a secret rotation; any one matching is enough.
 */
export function verifyWebhookSignature(options: VerifyWebhookOptions): boolean {
  if (!options.signature || !options.timestamp || !/^\d{1,12}$/.test(options.timestamp)) return false;
  const timestamp = Number(options.timestamp);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? defaultToleranceSeconds)) return false;
  const expected = Buffer.from(signWebhook({ secret: options.secret, timestamp, body: options.body }));
  return options.signature
    .split(',')
    .map((part) => Buffer.from(part.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
