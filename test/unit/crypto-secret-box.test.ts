import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openAccountConfig, sealAccountConfig } from '../../src/core/crypto/seal-account-config.js';
import { createKeyring, keyIdOf, openSecret, sealedKeyId, sealSecret } from '../../src/core/crypto/secret-box.js';
import { AppError } from '../../src/core/errors.js';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const keyring = createKeyring(key);

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? { code: error.code, reason: error.details?.reason } : { thrown: String(error) };
  }
  return { code: 'none' };
};

describe('the secret box', () => {
  it('names the key by the first 8 hex digits of its SHA-256', () => {
    // sha256 of the bytes 00..1f starts 630dcd29.
    expect(keyIdOf(key)).toBe('630dcd29');
    expect(keyring.current.id).toBe('630dcd29');
  });

  it('round-trips text, including empty and non-ASCII secrets', () => {
    for (const plaintext of ['EAAG-token', '', 'contraseña ✓ 🔑', 'x'.repeat(10_000)]) {
      const sealed = sealSecret(plaintext, keyring);
      expect(sealed).toMatch(/^v1:630dcd29:[A-Za-z0-9_-]+$/);
      expect(sealed).not.toContain(plaintext || '\u0001');
      expect(openSecret(sealed, keyring)).toBe(plaintext);
    }
  });

  it('seals the same text differently each time (a fresh IV)', () => {
    expect(sealSecret('same', keyring)).not.toBe(sealSecret('same', keyring));
  });

  it('detects any change to the sealed value', () => {
    const sealed = sealSecret('EAAG-token', keyring);
    const [prefix, body] = [sealed.slice(0, 12), Buffer.from(sealed.slice(12), 'base64url')];
    for (const position of [0, 11, 12, body.length - 17, body.length - 1]) {
      const altered = Buffer.from(body);
      altered[position]! ^= 0x01;
      expect(failure(() => openSecret(prefix + altered.toString('base64url'), keyring))).toEqual({ code: 'internal', reason: 'tampered' });
    }
    expect(failure(() => openSecret(prefix + body.subarray(0, 20).toString('base64url'), keyring))).toEqual({ code: 'internal', reason: 'malformed' });
    expect(failure(() => openSecret('not sealed at all', keyring))).toEqual({ code: 'internal', reason: 'malformed' });
  });

  it('refuses a value sealed with another key, naming the missing key', () => {
    const other = createKeyring(randomBytes(32));
    const sealed = sealSecret('EAAG-token', other);
    expect(failure(() => openSecret(sealed, keyring))).toEqual({ code: 'internal', reason: 'unknown_key' });
    // The same key id with the wrong key bytes (a forged prefix) fails authentication instead.
    const forged = sealed.replace(/^v1:[0-9a-f]{8}:/, `v1:${keyring.current.id}:`);
    expect(failure(() => openSecret(forged, keyring))).toEqual({ code: 'internal', reason: 'tampered' });
  });

  it('binds the context: a value sealed for one field does not open as another', () => {
    const sealed = sealSecret('EAAG-token', keyring, { context: 'accessToken' });
    expect(openSecret(sealed, keyring, { context: 'accessToken' })).toBe('EAAG-token');
    expect(failure(() => openSecret(sealed, keyring, { context: 'appSecret' }))).toEqual({ code: 'internal', reason: 'tampered' });
  });

  it('rotates: new values use the new key, old values still open while the old key is in the ring', () => {
    const newKey = randomBytes(32);
    const oldSealed = sealSecret('old', keyring);
    const rotated = createKeyring(newKey, [key]);
    const newSealed = sealSecret('new', rotated);
    expect(sealedKeyId(newSealed)).toBe(keyIdOf(newKey));
    expect(sealedKeyId(oldSealed)).toBe('630dcd29');
    expect(openSecret(oldSealed, rotated)).toBe('old');
    expect(openSecret(newSealed, rotated)).toBe('new');
    expect(failure(() => openSecret(newSealed, keyring))).toEqual({ code: 'internal', reason: 'unknown_key' });
  });

  it('accepts only 32-byte keys', () => {
    expect(failure(() => createKeyring(randomBytes(16)))).toMatchObject({ code: 'internal' });
  });
});

describe('account configs', () => {
  const cloud = {
    phoneNumberId: '1122334455667',
    accessToken: 'EAAG-token',
    appSecret: 'app-secret',
    verifyToken: 'verify-me',
    graphBaseUrl: 'http://127.0.0.1:1/v21.0',
  };

  it('seals only the secret fields, as {$sealed}, and opens them back', () => {
    const sealed = sealAccountConfig('whatsapp_cloud', cloud, keyring);
    expect(sealed.phoneNumberId).toBe(cloud.phoneNumberId);
    expect(sealed.graphBaseUrl).toBe(cloud.graphBaseUrl);
    for (const field of ['accessToken', 'appSecret', 'verifyToken']) {
      expect(sealed[field]).toEqual({ $sealed: expect.stringMatching(/^v1:630dcd29:/) });
    }
    expect(JSON.stringify(sealed)).not.toMatch(/EAAG-token|app-secret|verify-me/);
    expect(openAccountConfig('whatsapp_cloud', sealed, keyring)).toEqual(cloud);
  });

  it('knows each kind by either spelling, and seals twilio authToken', () => {
    const twilio = { accountSid: `AC${'a'.repeat(32)}`, authToken: 'tok', phoneNumber: '+15550001111' };
    const sealed = sealAccountConfig('twilio', twilio, keyring);
    expect(sealed.authToken).toEqual({ $sealed: expect.any(String) });
    expect(sealed.accountSid).toBe(twilio.accountSid);
    expect(sealAccountConfig('whatsapp-cloud', cloud, keyring).accessToken).toEqual({ $sealed: expect.any(String) });
  });

  it('passes plaintext configs through unchanged, and does not seal twice', () => {
    expect(openAccountConfig('whatsapp_cloud', cloud, keyring)).toEqual(cloud);
    expect(openAccountConfig('whatsapp_cloud', cloud, undefined)).toEqual(cloud);
    const once = sealAccountConfig('whatsapp_cloud', cloud, keyring);
    expect(sealAccountConfig('whatsapp_cloud', once, keyring)).toEqual(once);
  });

  it('refuses to open sealed values without a key, or a value moved to another field', () => {
    const sealed = sealAccountConfig('whatsapp_cloud', cloud, keyring);
    expect(failure(() => openAccountConfig('whatsapp_cloud', sealed, undefined))).toMatchObject({ code: 'unavailable' });
    const swapped = { ...sealed, appSecret: sealed.accessToken };
    expect(failure(() => openAccountConfig('whatsapp_cloud', swapped, keyring))).toEqual({ code: 'internal', reason: 'tampered' });
  });
});
