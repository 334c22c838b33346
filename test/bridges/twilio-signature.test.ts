import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusCallbackUrl } from '../../src/bridges/twilio/twilio-config.js';
import { signedUrlVariants, twilioSignature, verifyTwilioSignature } from '../../src/bridges/twilio/twilio-signature.js';

const vector = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/twilio_signature_vector.json'), 'utf8')) as {
  url: string;
  authToken: string;
  params: Record<string, string>;
  expectedSignature: string;
};

describe('X-Twilio-Signature', () => {
  const params = Object.entries(vector.params);

  it("matches Twilio's published worked example", () => {
    expect(twilioSignature(vector.authToken, vector.url, params)).toBe(vector.expectedSignature);
  });

  it('does not depend on the order the form listed its parameters in', () => {
    expect(twilioSignature(vector.authToken, vector.url, [...params].reverse())).toBe(vector.expectedSignature);
  });

  it('verifies the example and refuses every change to it', () => {
    const verify = (changes: Partial<{ url: string; token: string; params: [string, string][]; signature: string | undefined }>) =>
      verifyTwilioSignature({
        authToken: changes.token ?? vector.authToken,
        url: changes.url ?? vector.url,
        params: changes.params ?? params,
        signature: 'signature' in changes ? changes.signature : vector.expectedSignature,
      });
    expect(verify({})).toBe(true);
    expect(verify({ token: '12346' })).toBe(false);
    expect(verify({ url: vector.url.replace('foo=1', 'foo=2') })).toBe(false);
    expect(verify({ url: vector.url.replace('https:', 'http:') })).toBe(false);
    expect(verify({ params: [...params, ['Extra', '']] })).toBe(false);
    expect(verify({ params: params.map(([k, v]) => [k, k === 'Digits' ? '1235' : v]) })).toBe(false);
    expect(verify({ signature: undefined })).toBe(false);
    expect(verify({ signature: '' })).toBe(false);
    expect(verify({ signature: vector.expectedSignature.toLowerCase() })).toBe(false);
    expect(verify({ signature: 'not base64 at all' })).toBe(false);
  });

  it('accepts the URL with the default port written out or left off, as Twilio’s own libraries do', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const signedWithPort = twilioSignature(vector.authToken, withPort, params);
    expect(verifyTwilioSignature({ authToken: vector.authToken, url: vector.url, params, signature: signedWithPort })).toBe(true);
    expect(verifyTwilioSignature({ authToken: vector.authToken, url: withPort, params, signature: vector.expectedSignature })).toBe(true);
    expect(signedUrlVariants('https://x.example:8443/a')).toEqual(['https://x.example:8443/a']);
  });

  it('derives the status callback URL from the public inbound URL, keeping its query', () => {
    expect(statusCallbackUrl('https://m.firm.com/webhooks/twilio/acc1')).toBe('https://m.firm.com/webhooks/twilio/acc1/status');
    expect(statusCallbackUrl('https://m.firm.com/webhooks/twilio/acc1/?k=v')).toBe('https://m.firm.com/webhooks/twilio/acc1/status?k=v');
  });
});
