import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { AppError } from '../errors.js';
import { findFirmNotice } from './notice-view.js';

export interface SurveyReport {
  noticeId: string;
  surveyDays: number;
  sent: number;
  responses: number;
  /** Answers 1 to 5 and how many gave each. */
  counts: Record<'1' | '2' | '3' | '4' | '5', number>;
  average: number | null;
  responseRate: number;
}

// "5", " 4 ", "5/5", "3 stars", "5 estrellas", "4." — one digit from 1 to 5 and nothing that changes its meaning.
export const surveyAnswerPattern = String.raw`^\s*([1-5])\s*(/\s*5|stars?|estrellas?)?\s*[.!]*\s*$`;

/**
 * The tally of a survey. The replies stay ordinary messages in each conversation; a reply counts for this survey when
 * it is the client's first answer-shaped message (1-5) on the conversation the survey went to, within the survey's
 * days, and no later survey reached that contact before it (a reply answers the latest survey the client got).
 */
export async function surveyReport(options: { pool: pg.Pool; viewer: Viewer; noticeId: string }): Promise<SurveyReport> {
  const notice = await findFirmNotice(options.pool, options.viewer, options.noticeId);
  if (!notice.isSurvey) throw new AppError('conflict', 'this notice is not a survey', { noticeId: notice.id });
  const found = await options.pool.query<{ answer: number; n: number }>(
    `WITH sent AS (
       SELECT r.id, r."identityId", r."conversationId", m."capturedAt" AS at
         FROM "NoticeRecipient" r JOIN "Message" m ON m.id = r."messageId"
        WHERE r."noticeId" = $1 AND r.state = 'sent'
     ), answers AS (
       SELECT DISTINCT ON (s.id) s.id, (regexp_match(reply.text, $3, 'i'))[1]::int AS answer
         FROM sent s
         JOIN "Message" reply ON reply."conversationId" = s."conversationId" AND reply.direction = 'inbound'
          AND reply."capturedAt" > s.at AND reply."capturedAt" <= s.at + make_interval(days => $2)
          AND reply.text ~* $3
        WHERE NOT EXISTS (
          SELECT 1 FROM "NoticeRecipient" later
            JOIN "Notice" ln ON ln.id = later."noticeId" AND ln."isSurvey"
            JOIN "Message" lm ON lm.id = later."messageId"
           WHERE later."identityId" = s."identityId" AND later.id <> s.id
             AND lm."capturedAt" > s.at AND lm."capturedAt" < reply."capturedAt")
        ORDER BY s.id, reply."capturedAt"
     )
     SELECT answer, count(*)::int AS n FROM answers GROUP BY answer
     UNION ALL SELECT 0, count(*)::int FROM sent`,
    [notice.id, notice.surveyDays, surveyAnswerPattern],
  );
  const counts: SurveyReport['counts'] = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let sent = 0;
  let responses = 0;
  let total = 0;
  for (const row of found.rows) {
    if (row.answer === 0) {
      sent = row.n;
      continue;
    }
    counts[String(row.answer) as keyof SurveyReport['counts']] = row.n;
    responses += row.n;
    total += row.answer * row.n;
  }
  return {
    noticeId: notice.id,
    surveyDays: notice.surveyDays,
    sent,
    responses,
    counts,
    average: responses > 0 ? Math.round((total / responses) * 100) / 100 : null,
    responseRate: sent > 0 ? Math.round((responses / sent) * 1000) / 1000 : 0,
  };
}
