import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import type { CreateNoticeInput } from './notice-schemas.js';
import type { NoticeView } from './notice-view.js';
import { selectNoticeView } from './notice-view.js';
import { resolveNoticeRecipients } from './resolve-notice-recipients.js';

/**
 * Drafts a notice and lists who would get it now (and who would be skipped, and why), for the sender to check before
 * sending; nothing is sent yet. Audited.
 */
export async function createNotice(options: { pool: pg.Pool; viewer: Viewer; input: CreateNoticeInput }): Promise<NoticeView> {
  const { viewer, input } = options;
  return withTransaction(options.pool, async (client) => {
    if (input.accountId) {
      const account = await client.query(`SELECT 1 FROM "ChannelAccount" WHERE id = $1 AND "firmId" = $2 AND "removedAt" IS NULL`, [
        input.accountId,
        viewer.firmId,
      ]);
      if (account.rowCount === 0) throw new AppError('not_found', 'no such channel account', { accountId: input.accountId });
    }
    const id = newId();
    await client.query(
      `INSERT INTO "Notice" (id, "firmId", title, bodies, criteria, "isSurvey", "surveyDays", "accountId", "createdById")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, viewer.firmId, input.title, JSON.stringify(input.bodies), JSON.stringify(input.criteria), input.survey, input.surveyDays, input.accountId ?? null, viewer.userId],
    );
    const audience = await resolveNoticeRecipients(client, { id, firmId: viewer.firmId, criteria: input.criteria, accountId: input.accountId ?? null });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'notice.created',
      subjectType: 'notice',
      subjectId: id,
      details: { title: input.title, criteria: input.criteria, survey: input.survey, ...audience },
    });
    return selectNoticeView(client, viewer, id);
  });
}
