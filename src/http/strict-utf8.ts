import { AppError } from '../core/errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The body's text, or `invalid_utf8` (400): invalid bytes are refused, never silently replaced. */
export function decodeStrictUtf8(raw: Buffer, what = 'the request body'): string {
  try {
    return decoder.decode(raw);
  } catch {
    throw new AppError('invalid_utf8', `${what} is not valid UTF-8`);
  }
}
