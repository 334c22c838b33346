import { isActiveMimeType } from '../blobs/mime-type.js';
import type pg from 'pg';
import type { StoredMedia } from './media-source.js';

/** A matter's attachments in capture order, a page at a time. */
export async function* matterMedia(db: pg.Pool, matterId: string, pageSize = 500): AsyncGenerator<StoredMedia> {
  let after: { t: Date; id: string } | undefined;
  for (;;) {
    const page = await db.query<StoredMedia & { createdAt: Date }>(
      `SELECT f.id, f."messageId", f."fileName", f."mimeType", f.sha256, f."blobKey", f."keyId", f.state, f."createdAt"
         FROM "Attachment" f JOIN "Message" m ON m.id = f."messageId" JOIN "Conversation" c ON c.id = m."conversationId"
        WHERE c."matterId" = $1 ${after ? `AND (f."createdAt", f.id) > ($3::timestamptz, $4::text)` : ''}
        ORDER BY f."createdAt", f.id LIMIT $2`,
      after ? [matterId, pageSize, after.t, after.id] : [matterId, pageSize],
    );
    for (const { createdAt: _createdAt, ...media } of page.rows) yield media;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < pageSize) return;
    after = { t: last.createdAt, id: last.id };
  }
}

/** Names a browser or the desktop would open as a page or run (a client's "invoice.html" with a script in it). */
const activeName = /\.(html?|xhtml|shtml|svgz?|xml|xsl|xslt|js|mjs|hta|mht|mhtml|url|webloc|desktop|lnk|bat|cmd|ps1|vbs|wsf|jar|exe|scr|msi)$/i;

/**
 * A ZIP path for an attachment: its id keeps it unique, and its name is kept to safe characters (no ../). A file a
 * browser would run as a page (HTML, SVG, XML, scripts, by its type or its name) gets `.bin` appended, so that a
 * reviewer who clicks it in transcript.html downloads it instead of running the client's script.
 */
export function mediaPath(media: Pick<StoredMedia, 'id' | 'fileName' | 'mimeType'>): string {
  const name = safeFileName(media.fileName);
  const base = `media/${media.id}${name ? `-${name}` : ''}`;
  return isActiveMimeType(media.mimeType) || activeName.test(name) ? `${base}.bin` : base;
}

/** A client's file name kept to safe characters for a path inside an archive: no separators, no leading dots, 100 at most. */
export const safeFileName = (fileName: string | null): string =>
  (fileName ?? '').normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 100);
