import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { getMediaKeys } from '@whiskeysockets/baileys';
import { AppError } from '../../core/errors.js';
import type { GuardedFetcher } from '../../net/guarded-fetch.js';
import type { BaileysMediaRef } from './baileys-media-ref.js';

// WhatsApp media of a linked phone: an AES-256-CBC file on WhatsApp's media servers, whose keys come with the message.
// The file is fetched (through the guarded fetcher, from WhatsApp's media hosts only: a sender cannot choose where
// the server goes), checked against the encrypted hash and the HMAC WhatsApp appends, decrypted with the keys
// Baileys derives from the message's mediaKey (its own getMediaKeys, HKDF as WhatsApp defines it), and checked
// against the plaintext hash the message announced. What the record keeps is the plaintext and its real hash.

export const whatsappMediaHost = 'mmg.whatsapp.net';
const isWhatsAppHost = (host: string) => host === 'whatsapp.net' || host.endsWith('.whatsapp.net');

/** The URL of the encrypted file: the directPath on the message's media host when that is WhatsApp's, else mmg. */
export function mediaUrlOf(ref: BaileysMediaRef, origin?: string): string {
  let host = whatsappMediaHost;
  try {
    const given = ref.url ? new URL(ref.url).host : '';
    if (given && isWhatsAppHost(given)) host = given;
  } catch {
    // A malformed url: the default host.
  }
  const base = origin ?? `https://${host}`;
  if (ref.directPath) return `${base}${ref.directPath.startsWith('/') ? '' : '/'}${ref.directPath}`;
  if (ref.url && !origin) {
    const url = new URL(ref.url);
    if (url.protocol === 'https:' && isWhatsAppHost(url.host)) return url.toString();
  }
  throw new AppError('bad_request', 'the message gives no WhatsApp media path for this file');
}

export interface DownloadBaileysMediaOptions {
  fetcher: GuardedFetcher;
  ref: BaileysMediaRef;
  /** Tests only: where the media server is (a local double); production uses WhatsApp's hosts. */
  origin?: string;
  maxBytes?: number;
}

const sameBase64Hash = (announced: string | null, actual: Buffer) => announced === null || Buffer.from(announced, 'base64').equals(actual);

export async function downloadBaileysMedia(options: DownloadBaileysMediaOptions): Promise<{ data: Buffer; sha256: string }> {
  const { ref } = options;
  const response = await options.fetcher.fetch(mediaUrlOf(ref, options.origin), {
    headers: { origin: 'https://web.whatsapp.com' },
    maxBytes: options.maxBytes ?? 100 * 1024 * 1024 + 64,
    timeoutMs: 120_000,
    maxRedirects: 3,
  });
  if (response.status === 404 || response.status === 410) {
    throw new AppError('bad_request', `WhatsApp no longer has this file (HTTP ${response.status}); the phone must upload it again`, { status: response.status, expired: true });
  }
  if (response.status < 200 || response.status >= 300) {
    throw new AppError('unavailable', `WhatsApp's media server answered HTTP ${response.status}`, { status: response.status });
  }
  const enc = response.body;
  if (enc.length < 10 + 16) throw new AppError('bad_request', 'the encrypted file is too short to be WhatsApp media');
  if (!sameBase64Hash(ref.fileEncSha256, createHash('sha256').update(enc).digest())) {
    throw new AppError('bad_request', 'the encrypted file does not match the fileEncSha256 the message announced');
  }
  const keys = await getMediaKeys(Buffer.from(ref.mediaKey, 'base64'), ref.mediaType);
  if (!keys.macKey) throw new AppError('bad_request', `WhatsApp media of type ${ref.mediaType} carries no MAC key`);
  const ciphertext = enc.subarray(0, enc.length - 10);
  const mac = enc.subarray(enc.length - 10);
  const expected = createHmac('sha256', keys.macKey).update(keys.iv).update(ciphertext).digest().subarray(0, 10);
  if (!timingSafeEqual(mac, expected)) throw new AppError('bad_request', 'the encrypted file fails its MAC: not the file the message describes');
  let data: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', keys.cipherKey, keys.iv);
    data = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new AppError('bad_request', 'the file could not be decrypted with the message\'s key', {}, { cause: error });
  }
  const sha = createHash('sha256').update(data).digest();
  if (!sameBase64Hash(ref.fileSha256, sha)) throw new AppError('bad_request', 'the decrypted file does not match the fileSha256 the message announced');
  return { data, sha256: sha.toString('hex') };
}
