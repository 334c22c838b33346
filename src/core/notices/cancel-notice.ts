import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { NoticeView } from './notice-view.js';
import { findFirmNotice, selectNoticeView } from './notice-view.js';

/** Stops a notice: clients not yet written to are cancelled (messages already written go on). Audited. */
export async function cancelNotice(options: { pool: pg.Pool; viewer: Viewer; noticeId: string }): Promise<NoticeView> {
  const { viewer } = options;
  return withTransaction(options.pool, async (client) => {
    const notice = await findFirmNotice(client, viewer, options.noticeId, true);
    if (notice.state === 'done' || notice.state === 'cancelled') {
      throw new AppError('conflict', `this notice is ${notice.state} already`, { state: notice.state });
    }
    const cancelled = await client.query<{ id: string }>(
      `UPDATE "NoticeRecipient" SET state = 'cancelled' WHERE "noticeId" = $1 AND state = 'pending' RETURNING id`,
      [notice.id],
    );
    await client.query(
      `UPDATE "Outbox" SET status = 'done', "processedAt" = now(), "lastError" = 'the notice was cancelled'
        WHERE "jobId" = ANY($1) AND status = 'pending'`,
      [cancelled.rows.map((row) => `notice-${row.id}`)],
    );
    await client.query(`UPDATE "Notice" SET state = 'cancelled', "finishedAt" = now() WHERE id = $1`, [notice.id]);
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'notice.cancelled',
      subjectType: 'notice',
      subjectId: notice.id,
      details: { cancelledRecipients: cancelled.rowCount ?? 0 },
    });
    return selectNoticeView(client, viewer, notice.id);
  });
}
