import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { insertOutbox } from '../outbox.js';
import type { OutboxJob, WorkDispatcher } from '../ports.js';
import { withTransaction } from '../transaction.js';
import { noticeJob } from './notice-job.js';
import { noticeCriteriaSchema } from './notice-schemas.js';
import type { NoticeView } from './notice-view.js';
import { findFirmNotice, selectNoticeView } from './notice-view.js';
import { resolveNoticeRecipients } from './resolve-notice-recipients.js';

export interface SendNoticeOptions {
  pool: pg.Pool;
  dispatcher: WorkDispatcher;
  viewer: Viewer;
  noticeId: string;
  onDispatchError?: (error: unknown) => void;
}

/**
 * Sends a drafted notice: the recipients are worked out again (consent may have changed since the draft), and each
 * pending one gets a job in the outbox, in one commit. The jobs go through the account's throttled queue; each writes
 * its client's message when its turn comes. Audited.
 */
export async function sendNotice(options: SendNoticeOptions): Promise<NoticeView> {
  const { viewer } = options;
  const { view, jobs } = await withTransaction(options.pool, async (client) => {
    const notice = await findFirmNotice(client, viewer, options.noticeId, true);
    if (notice.state !== 'draft') throw new AppError('conflict', `this notice is ${notice.state}; only a draft can be sent`, { state: notice.state });
    const criteria = noticeCriteriaSchema.parse(notice.criteria);
    const audience = await resolveNoticeRecipients(client, { id: notice.id, firmId: notice.firmId, criteria, accountId: notice.accountId });
    const pending = await client.query<{ id: string }>(`SELECT id FROM "NoticeRecipient" WHERE "noticeId" = $1 AND state = 'pending' ORDER BY id`, [notice.id]);
    const queued: OutboxJob[] = pending.rows.map((row) => noticeJob(row.id));
    await insertOutbox(client, queued);
    await client.query(
      `UPDATE "Notice" SET state = $2, "startedAt" = now(), "finishedAt" = CASE WHEN $2 = 'done' THEN now() END WHERE id = $1`,
      [notice.id, queued.length > 0 ? 'sending' : 'done'],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'notice.sent',
      subjectType: 'notice',
      subjectId: notice.id,
      details: audience as unknown as Record<string, unknown>,
    });
    return { view: await selectNoticeView(client, viewer, notice.id), jobs: queued };
  });
  if (jobs.length > 0) await options.dispatcher.dispatch(jobs).catch((error: unknown) => options.onDispatchError?.(error));
  return view;
}
