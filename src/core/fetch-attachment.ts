import type { Database } from '../db/prisma.js';
import { normalizeMimeType } from './blobs/mime-type.js';
import { storeBlob } from './blobs/blob-store.js';
import type { Keyring } from './crypto/secret-box.js';
import { AppError } from './errors.js';
import type { MediaFetcher } from './ports.js';
import { runJobOnce } from './run-job-once.js';

export interface FetchAttachmentOptions {
  db: Database;
  fetcher: MediaFetcher;
  keyring: Keyring;
  attachmentId: string;
}

/**
 * The media job: fetches one attachment's bytes through its account's channel, encrypts them into the blob store and
 * marks the attachment stored, once. A provider that no longer has the file (a permanent refusal) marks it failed
 * with the reason; anything else is retried by the outbox.
 */
export async function fetchAttachment(options: FetchAttachmentOptions): Promise<{ state: string }> {
  const { db, attachmentId } = options;
  const found = await db.pool.query<{ state: string; accountId: string; sourceUrl: string | null; providerMediaId: string | null; mimeType: string }>(
    `SELECT a.state, m."accountId", a."sourceUrl", a."providerMediaId", a."mimeType"
       FROM "Attachment" a JOIN "Message" m ON m.id = a."messageId" WHERE a.id = $1`,
    [attachmentId],
  );
  const attachment = found.rows[0];
  const jobId = `media-${attachmentId}`;
  if (!attachment || attachment.state !== 'pending') {
    await runJobOnce(db.pool, jobId, async () => undefined);
    return { state: attachment?.state ?? 'gone' };
  }
  let media: { data: Buffer; mimeType: string };
  try {
    media = await options.fetcher.downloadMedia(attachment.accountId, {
      url: attachment.sourceUrl ?? undefined,
      providerMediaId: attachment.providerMediaId ?? undefined,
      mimeType: attachment.mimeType,
    });
  } catch (error) {
    if (error instanceof AppError && (error.code === 'bad_request' || error.code === 'not_found')) {
      await runJobOnce(db.pool, jobId, async (client) => {
        await client.query(`UPDATE "Attachment" SET state = 'failed', error = left($2, 1000) WHERE id = $1`, [attachmentId, error.message]);
      });
      return { state: 'failed' };
    }
    throw error;
  }
  await runJobOnce(db.pool, jobId, async (client) => {
    const stored = await storeBlob(client, options.keyring, media.data);
    await client.query(
      `UPDATE "Attachment" SET state = 'stored', sha256 = $2, size = $3, "blobKey" = $2, "keyId" = $4, error = NULL,
              "mimeType" = CASE WHEN "mimeType" = 'application/octet-stream' THEN $5 ELSE "mimeType" END
        WHERE id = $1`,
      [attachmentId, stored.sha256, stored.size, stored.keyId, normalizeMimeType(media.mimeType)],
    );
  });
  return { state: 'stored' };
}
