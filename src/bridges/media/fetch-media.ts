import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.js';

// Downloads one media item from a provider, for the record to keep its own copy (provider URLs expire: WhatsApp's
// after minutes, Twilio's when the firm deletes them). The bytes are hashed as they arrive and the size is capped
// while streaming, so a hostile or broken server cannot exhaust memory.

export interface FetchMediaOptions {
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
  let response: Response;
  try {
    // Redirects are followed (Twilio answers with one to its storage); fetch drops Authorization on a cross-origin
    // redirect, so the account's credentials never reach the storage host.
    response = await fetch(options.url, { headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (error) {
    throw new AppError('unavailable', `the media could not be fetched: ${(error as Error).message}`, {}, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    // 404/410: the provider no longer has it; retrying will not help.
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw new AppError('bad_request', `the provider refused the media (HTTP ${response.status})`, { status: response.status });
    }
    throw new AppError('unavailable', `the provider failed to serve the media (HTTP ${response.status})`, { status: response.status });
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new AppError('payload_too_large', `the media is ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const chunk = await reader.read().catch((error: unknown) => {
        throw new AppError('unavailable', `the media download broke off: ${(error as Error).message}`, {}, { cause: error });
      });
      if (chunk.done) break;
      size += chunk.value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new AppError('payload_too_large', `the media is larger than the ${maxBytes} bytes allowed`);
      }
      hash.update(chunk.value);
      chunks.push(Buffer.from(chunk.value));
    }
  }
  const sha256 = hash.digest('hex');
  if (options.expectedSha256 && !sameHash(options.expectedSha256, sha256)) {
    throw new AppError('bad_request', 'the media does not match the SHA-256 the provider announced', { sha256 });
  }
  const mimeType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
  return { data: Buffer.concat(chunks), mimeType, size, sha256 };
}

/** Providers announce hashes in hex (Graph API media object) or base64 (webhooks). */
function sameHash(announced: string, hex: string): boolean {
  if (/^[0-9a-f]{64}$/i.test(announced)) return announced.toLowerCase() === hex;
  return Buffer.from(announced, 'base64').toString('hex') === hex;
}
