import { createHash, randomBytes } from 'node:crypto';

/** A fresh 32-byte random token, base64url: session cookies, CSRF tokens, one-time reset tokens. */
export const newSecretToken = (): string => randomBytes(32).toString('base64url');

/** What the record keeps instead of a token: a stolen database gives no usable cookie. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('hex');
