import type { Readable } from 'node:stream';

/** What the export knows of an attachment when it asks for its bytes. */
export interface StoredMedia {
  id: string;
  messageId: string;
  fileName: string | null;
  mimeType: string;
  sha256: string | null;
  /** Where the (encrypted) bytes are kept, and the key they were sealed with; null until downloaded. */
  blobKey: string | null;
  keyId: string | null;
  state: string;
}

/**
 * The media bytes an export puts into its ZIP. `open` is called once per attachment, one at a time, and the stream
 * is read to its end before the next is opened; it must stream (never buffer a whole file) and answer null when
 * there are no bytes to give (not downloaded yet, failed, or no blob store) rather than throw: the export lists those
 * as missing in its manifest and goes on.
 */
export interface MediaSource {
  open(media: StoredMedia): Promise<Readable | null>;
  /** Why `open` gave null for this attachment, for the manifest. */
  whyMissing(media: StoredMedia): string;
}

/** Matterline has no blob store yet: every attachment is listed as missing, with its download state. */
export const noStoredMedia: MediaSource = {
  open: () => Promise.resolve(null),
  whyMissing: (media) => (media.state === 'stored' ? 'no blob store is configured' : `not downloaded (${media.state})`),
};
