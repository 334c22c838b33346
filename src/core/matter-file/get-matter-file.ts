import type pg from 'pg';
import { canAccessMatter } from '../access/can-access-matter.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../inbox/page-cursor.js';
import type { MatterSummary } from './matter-summary.js';
import { loadMatterSummary } from './matter-summary.js';
import type { TimelineItem } from './matter-timeline.js';
import { readTimelinePage, timelineKeySchema } from './matter-timeline.js';

export interface GetMatterFileOptions {
  pool: pg.Pool;
  viewer: Viewer;
  matterId: string;
  limit: number;
  cursor?: string;
}

export interface MatterFile {
  matter: MatterSummary;
  items: TimelineItem[];
  nextCursor: string | null;
}

/**
 * A matter's file: its heading and one page of its timeline, oldest first. Only for those who may see the matter (a
 * hidden matter is a 404, like a missing one); the read is an audit event written before anything is shown.
 */
export async function getMatterFile(options: GetMatterFileOptions): Promise<MatterFile> {
  const { pool, viewer, matterId } = options;
  if (!(await canAccessMatter(pool, viewer, matterId))) throw new AppError('not_found', 'no such matter', { matterId });
  const after = options.cursor ? decodeCursor(options.cursor, timelineKeySchema) : undefined;
  const [matter, page] = await Promise.all([
    loadMatterSummary(pool, matterId),
    readTimelinePage(pool, matterId, { limit: options.limit, ...(after ? { after } : {}) }),
  ]);
  if (!matter) throw new AppError('not_found', 'no such matter', { matterId });
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'matter.file_read',
    subjectType: 'matter',
    subjectId: matterId,
    details: { items: page.items.length, cursor: options.cursor ?? null },
  });
  return { matter, items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
}
