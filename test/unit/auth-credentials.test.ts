import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/core/crypto/secret-box.js';
import { auditHash, genesisHash } from '../../src/core/audit/audit-hash.js';
import { canonicalJson } from '../../src/core/audit/canonical-json.js';
import { readPasswordCredential, resetCredential } from '../../src/core/auth/password-credential.js';
import { tokenDigest } from '../../src/core/auth/secret-token.js';
import { readTotpCredential, writeTotpCredential } from '../../src/core/auth/totp-credential.js';

describe('the stored password credential', () => {
  const digest = tokenDigest('some-token');
  it.each([
    [null, { kind: 'none' }],
    ['', { kind: 'none' }],
    ['$argon2id$v=19$m=19456,t=2,p=1$abc$def', { kind: 'password', hash: '$argon2id$v=19$m=19456,t=2,p=1$abc$def' }],
    [resetCredential(digest, new Date(1_800_000_000_000)), { kind: 'reset', tokenDigest: digest, expiresAt: new Date(1_800_000_000_000) }],
    // Anything that is not exactly a reset string is treated as a hash, which argon2 then refuses: never a way in.
    [`reset:${digest}:soon`, { kind: 'password', hash: `reset:${digest}:soon` }],
  ])('%s reads as %o', (stored, expected) => {
    expect(readPasswordCredential(stored)).toEqual(expected);
  });
});

describe('the stored TOTP credential', () => {
  it('round-trips sealed, bound to its user, and is off only when empty', () => {
    expect(readTotpCredential(null)).toBeNull();
    const key = { keyring: createKeyring(randomBytes(32)), userId: 'u1' };
    const on = { secret: 'JBSWY3DPEHPK3PXP', enabled: true, lastStep: 42 };
    const stored = writeTotpCredential(on, key);
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(readTotpCredential(stored, key)).toEqual(on);
    // Whether it is on is readable without the key; the secret is not.
    expect(readTotpCredential(stored)).toMatchObject({ enabled: true, secret: expect.stringMatching(/^v1:/) });
    // Copied onto another user's row it does not open.
    expect(() => readTotpCredential(stored, { ...key, userId: 'u2' })).toThrow();
    // A secret stored before sealing still reads.
    expect(readTotpCredential(JSON.stringify(on), key)).toEqual(on);
  });
  it.each(['not json', '{"secret": 1, "enabled": true}', '{"enabled": true}'])('fails closed on a garbled value: %s', (stored) => {
    expect(() => readTotpCredential(stored)).toThrow(/unreadable/);
  });
});

describe('the audit hash', () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ z: { y: [3, { d: 1, c: null }] }, a: undefined }, '{"z":{"y":[3,{"c":null,"d":1}]}}'],
    [[undefined, 'é', 1.5], '[null,"é",1.5]'],
    [new Date('2026-11-22T10:00:00.123Z'), '"2026-11-22T10:00:00.123Z"'],
  ])('canonical JSON of %o is %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  const fields = {
    firmId: 'f1',
    actorUserId: 'u1',
    actorKind: 'user',
    action: 'auth.login',
    subjectType: 'session',
    subjectId: 's1',
    details: { ip: '127.0.0.1', mfa: false },
    createdAt: new Date('2026-11-22T10:00:00.123Z'),
  };

  it('does not depend on key order, and changes with any field or the previous hash', () => {
    const base = auditHash(genesisHash, fields);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(genesisHash, { ...fields, details: { mfa: false, ip: '127.0.0.1' } })).toBe(base);
    const changes: Partial<typeof fields>[] = [
      { firmId: 'f2' },
      { actorUserId: 'u2' },
      { actorKind: 'system' },
      { action: 'auth.logout' },
      { subjectType: 'user' },
      { subjectId: 's2' },
      { details: { ip: '127.0.0.2', mfa: false } },
      { createdAt: new Date('2026-11-22T10:00:00.124Z') },
    ];
    for (const change of changes) expect(auditHash(genesisHash, { ...fields, ...change }), JSON.stringify(change)).not.toBe(base);
    expect(auditHash('f'.repeat(64), fields)).not.toBe(base);
  });
});
