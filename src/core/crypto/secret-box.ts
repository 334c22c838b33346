import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';

// AES-256-GCM for secrets at rest (account tokens, bridge session keys). Every sealed value names the key that
// sealed it, so a new key can be introduced while values sealed with the old one still open (rotation): seal with
// the current key, open with whichever key the value names.

const version = 'v1';
const ivBytes = 12;
const tagBytes = 16;

export interface SecretKey {
  /** First 8 hex digits of SHA-256 of the key: identifies the key without revealing it. */
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** The key new values are sealed with. */
  current: SecretKey;
  /** Every key values may have been sealed with, by id (current included). */
  byId: ReadonlyMap<string, SecretKey>;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * A keyring from the configured 32-byte key (config.secretKey), plus retired keys that values may still be sealed
 * with during a rotation.
 */
export function createKeyring(currentKey: Buffer, retiredKeys: readonly Buffer[] = []): Keyring {
  const keys = [currentKey, ...retiredKeys].map((key) => {
    if (key.length !== 32) throw new AppError('internal', `a secret key must be 32 bytes, not ${key.length}`);
    return { id: keyIdOf(key), key: Buffer.from(key) };
  });
  return { current: keys[0]!, byId: new Map(keys.map((key) => [key.id, key])) };
}

export interface SealOptions {
  /**
   * What the value is for (e.g. the config field name). Bound into the authentication tag, so a sealed value copied
   * into another field fails to open instead of being used as the wrong secret.
   */
  context?: string;
}

export interface SealedBytes {
  keyId: string;
  /** iv (12 bytes) || ciphertext || tag (16 bytes). */
  value: Buffer;
}

const additionalData = (keyId: string, context: string | undefined) =>
  Buffer.from(`${version}:${keyId}:${context ?? ''}`, 'utf8');

/** Seals bytes with the keyring's current key; for tables that keep the key id in a column of its own. */
export function sealBytes(plaintext: Buffer, keyring: Keyring, options: SealOptions = {}): SealedBytes {
  const { id, key } = keyring.current;
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(additionalData(id, options.context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyId: id, value: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]) };
}

/** Opens what sealBytes sealed; throws when the key is unknown or the value was altered. */
export function openBytes(sealed: SealedBytes, keyring: Keyring, options: SealOptions = {}): Buffer {
  const secretKey = keyring.byId.get(sealed.keyId);
  if (!secretKey) {
    throw new AppError('internal', `no key with id ${sealed.keyId} in the keyring (was the secret key rotated away?)`, {
      keyId: sealed.keyId,
      reason: 'unknown_key',
    });
  }
  if (sealed.value.length < ivBytes + tagBytes) {
    throw new AppError('internal', 'a sealed secret is too short to be one', { keyId: sealed.keyId, reason: 'malformed' });
  }
  const iv = sealed.value.subarray(0, ivBytes);
  const tag = sealed.value.subarray(sealed.value.length - tagBytes);
  const ciphertext = sealed.value.subarray(ivBytes, sealed.value.length - tagBytes);
  const decipher = createDecipheriv('aes-256-gcm', secretKey.key, iv, { authTagLength: tagBytes });
  decipher.setAAD(additionalData(sealed.keyId, options.context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new AppError('internal', 'a sealed secret failed authentication: it was altered, or sealed for another use', {
      keyId: sealed.keyId,
      reason: 'tampered',
    }, { cause: error });
  }
}

const sealedPattern = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$/;

/** Seals a string as `v1:<keyId>:<base64url>`, one self-describing string that fits a JSON field. */
export function sealSecret(plaintext: string, keyring: Keyring, options: SealOptions = {}): string {
  const sealed = sealBytes(Buffer.from(plaintext, 'utf8'), keyring, options);
  return `${version}:${sealed.keyId}:${sealed.value.toString('base64url')}`;
}

/** Opens a string sealed by sealSecret with the key it names. */
export function openSecret(sealed: string, keyring: Keyring, options: SealOptions = {}): string {
  const match = sealedPattern.exec(sealed);
  if (!match) throw new AppError('internal', 'not a sealed secret (expected v1:<keyId>:<base64url>)', { reason: 'malformed' });
  const plaintext = openBytes({ keyId: match[1]!, value: Buffer.from(match[2]!, 'base64url') }, keyring, options);
  return plaintext.toString('utf8');
}

/** The key id a sealed string names, without opening it (to find values still sealed with a retired key). */
export function sealedKeyId(sealed: string): string | null {
  return sealedPattern.exec(sealed)?.[1] ?? null;
}
