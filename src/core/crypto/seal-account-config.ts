import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Keyring } from './secret-box.js';
import { openSecret, sealSecret } from './secret-box.js';

// ChannelAccount.config is JSON the admin enters. Its secret fields are stored as { "$sealed": "v1:<keyId>:<b64>" }
// while everything else (phone numbers, URLs) stays readable for support. Plain values are passed through on open,
// so configs written before encryption was switched on keep working; they are sealed the next time they are saved.

/** The secret fields of each channel's config; a kind not listed here has its well-known secret names sealed. */
const secretFieldsByKind: Record<string, readonly string[]> = {
  whatsapp_cloud: ['accessToken', 'appSecret', 'verifyToken'],
  twilio: ['authToken', 'webhookSharedKey'],
  simulator: [],
};
const defaultSecretFields = ['accessToken', 'appSecret', 'verifyToken', 'authToken', 'webhookSharedKey'] as const;

export const sealedValueSchema = z.object({ $sealed: z.string().min(1) }).strict();
export type SealedValue = z.infer<typeof sealedValueSchema>;

export const isSealedValue = (value: unknown): value is SealedValue => sealedValueSchema.safeParse(value).success;

/** The public API spells kinds with a hyphen (`whatsapp-cloud`), the database with an underscore. */
const normalizeKind = (kind: string) => kind.replace(/-/g, '_');

export function secretFieldsOf(kind: string): readonly string[] {
  return secretFieldsByKind[normalizeKind(kind)] ?? defaultSecretFields;
}

/**
 * Seals the secret fields of an account config before it is stored. Values already sealed are kept as they are, so
 * saving a config read back from the database does not seal twice. The field name is bound into each seal, so a
 * sealed authToken cannot be moved into another field.
 */
export function sealAccountConfig(
  kind: string,
  config: Record<string, unknown>,
  keyring: Keyring,
): Record<string, unknown> {
  const sealed: Record<string, unknown> = { ...config };
  for (const field of secretFieldsOf(kind)) {
    const value = config[field];
    if (typeof value === 'string') sealed[field] = { $sealed: sealSecret(value, keyring, { context: field }) };
  }
  return sealed;
}

/**
 * Opens every sealed field of a stored account config (whatever the field), passing plain values through. Without
 * a keyring a config holding sealed values cannot be used: that is a deployment error (MATTERLINE_SECRET_KEY unset
 * or changed), reported as such rather than as a bad config.
 */
export function openAccountConfig(
  _kind: string,
  config: Record<string, unknown>,
  keyring: Keyring | undefined,
): Record<string, unknown> {
  const opened: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(config)) {
    if (!isSealedValue(value)) {
      opened[field] = value;
      continue;
    }
    if (!keyring) {
      throw new AppError('unavailable', `the account's ${field} is encrypted and no secret key is configured`, { field });
    }
    opened[field] = openSecret(value.$sealed, keyring, { context: field });
  }
  return opened;
}

/** Whether any field of a config is still sealed: a bridge that sees one was given a config nobody opened. */
export function hasSealedValues(config: Record<string, unknown>): boolean {
  return Object.values(config).some(isSealedValue);
}
