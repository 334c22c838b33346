import { Readable } from 'node:stream';
import type pg from 'pg';
import { readBlob } from '../blobs/blob-store.js';
import type { Keyring } from '../crypto/secret-box.js';
import { isAppError } from '../errors.js';
import type { MediaSource, StoredMedia } from './media-source.js';

/**
 * Media from the record's blob store (core/blobs): the stored bytes, decrypted and checked against their hash. A
 * blob is one row, so one file at a time is in memory (never the matter's media). A blob that is gone, or that no
 * longer matches its hash, is reported missing with the reason instead of failing the whole export.
 */
export function blobMediaSource(pool: pg.Pool, keyring: Keyring): MediaSource {
  const problems = new Map<string, string>();
  return {
    async open(media: StoredMedia) {
      if (media.state !== 'stored' || !media.blobKey) return null;
      try {
        return Readable.from([await readBlob(pool, keyring, media.blobKey)]);
      } catch (error) {
        if (!isAppError(error)) throw error;
        problems.set(media.id, error.message);
        return null;
      }
    },
    whyMissing: (media) => problems.get(media.id) ?? (media.state === 'stored' ? 'no stored bytes' : `not downloaded (${media.state})`),
  };
}
