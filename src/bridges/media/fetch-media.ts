import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import { normalizeMimeType } from '../../core/blobs/mime-type.js';
import type { GuardedFetcher } from '../../net/guarded-fetch.js';

// Downloads one media item from a provider, for the record to keep its own copy (provider URLs expire: WhatsApp's
// after minutes, Twilio's when the firm deletes them). The size is capped while streaming, so a hostile or broken
// server cannot exhaust memory, and the URL goes through the guarded fetcher: a URL a sender chose never makes the
// server reach its own network.

export interface FetchMediaOptions {
  /** The guarded fetcher (src/net): no loopback, private or link-local address unless the allow-list names it. */
  fetcher: GuardedFetcher;
  url: string;
  headers?: Record<string, string>;
  /** WhatsApp allows documents up to 100 MB; Twilio MMS up to 5 MB. */
  maxBytes?: number;
  timeoutMs?: number;
  /** The hash the provider announced (hex or base64); a mismatch means the bytes are not the ones it described. */
  expectedSha256?: string;
}

export interface FetchedMedia {
  data: Buffer;
  mimeType: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

const defaultMaxBytes = 100 * 1024 * 1024;

export async function fetchMedia(options: FetchMediaOptions): Promise<FetchedMedia> {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  // Redirects are followed (Twilio answers with one to its storage), each hop checked by the guard; credentials are
  // dropped on a redirect to another origin, so the account's never reach the storage host.
  const response = await options.fetcher.fetch(options.url, {
    headers: options.headers,
    maxBytes,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRedirects: 5,
  });
  if (response.status < 200 || response.status >= 300) {
    // 404/410: the provider no longer has it; retrying will not help.
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw new AppError('bad_request', `the provider refused the media (HTTP ${response.status})`, { status: response.status });
    }
    throw new AppError('unavailable', `the provider failed to serve the media (HTTP ${response.status})`, { status: response.status });
  }
  const sha256 = createHash('sha256').update(response.body).digest('hex');
  if (options.expectedSha256 && !sameHash(options.expectedSha256, sha256)) {
    throw new AppError('bad_request', 'the media does not match the SHA-256 the provider announced', { sha256 });
  }
  // The type alone: a server's charset or boundary parameter says nothing about the file.
  const mimeType = normalizeMimeType(headerValue(response.headers['content-type'])).split(';')[0]!;
  return { data: response.body, mimeType, size: response.body.length, sha256 };
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Providers announce hashes in hex (Graph API media object) or base64 (webhooks). */
function sameHash(announced: string, hex: string): boolean {
  if (/^[0-9a-f]{64}$/i.test(announced)) return announced.toLowerCase() === hex;
  return Buffer.from(announced, 'base64').toString('hex') === hex;
}
