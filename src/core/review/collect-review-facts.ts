import { DateTime } from 'luxon';
import type pg from 'pg';
import { visibleMatterFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { readFirmSettings } from '../firm-settings.js';
import type { DateRange } from '../search/date-range.js';
import { SqlParams } from '../search/sql-params.js';
import type { Episode } from './response-times.js';

export interface ReviewScope {
  pool: pg.Pool;
  viewer: Viewer;
  range: { from: Date; to: Date };
  matterId?: string;
  /** Only matters this user is on. */
  lawyerId?: string;
}

export interface ReviewMatter {
  id: string;
  number: string;
  title: string;
  clientName: string;
  members: { userId: string; name: string }[];
}

export interface ReviewFacts {
  promisedReplyMinutes: number;
  matters: ReviewMatter[];
  traffic: { matterId: string; inbound: number; byPeople: number; automated: number; afterHoursInbound: number }[];
  sentBy: { matterId: string; userId: string; sent: number }[];
  episodes: Episode[];
  withoutConsentAttempt: { matterId: string; userId: string | null; messages: number; contacts: number }[];
  unbilled: { matterId: string; userId: string; entries: number; tenths: number }[];
  privilegeRisks: { matterId: string; conversationId: string; title: string | null }[];
}

const at = (alias: string) => `COALESCE(${alias}."sentAt", ${alias}."capturedAt")`;

/**
 * The facts a file review is made of, for the matters the viewer may see (access-policy) in a period: traffic, who
 * wrote, waits for a first human reply, messages to contacts never asked for consent, unbilled time and group chats
 * with a third party. Each is one grouped query; the builders only add them up.
 */
export async function collectReviewFacts(scope: ReviewScope): Promise<ReviewFacts> {
  const { pool, viewer, range } = scope;
  const firm = await pool.query<{ settings: unknown; timeZone: string }>(`SELECT settings, "timeZone" FROM "Firm" WHERE id = $1`, [viewer.firmId]);
  const settings = readFirmSettings(firm.rows[0]?.settings);
  const timeZone = firm.rows[0]?.timeZone ?? 'UTC';

  const params = new SqlParams();
  const visible = visibleMatterFilter(viewer, 'mt', params.next);
  params.addAll(visible.params);
  const only = [
    scope.matterId !== undefined ? `AND mt.id = ${params.add(scope.matterId)}` : '',
    scope.lawyerId !== undefined ? `AND EXISTS (SELECT 1 FROM "MatterMember" lm WHERE lm."matterId" = mt.id AND lm."userId" = ${params.add(scope.lawyerId)})` : '',
  ].join(' ');
  const matters = await pool.query<ReviewMatter>(
    `SELECT mt.id, mt.number, mt.title, cl.name AS "clientName",
            COALESCE((SELECT json_agg(json_build_object('userId', u.id, 'name', u.name) ORDER BY u.name, u.id)
                        FROM "MatterMember" mm JOIN "User" u ON u.id = mm."userId" WHERE mm."matterId" = mt.id), '[]') AS members
       FROM "Matter" mt JOIN "Client" cl ON cl.id = mt."clientId"
      WHERE ${visible.sql} ${only}
      ORDER BY mt.number, mt.id`,
    params.values,
  );
  const ids = matters.rows.map((m) => m.id);
  const inPeriod = (alias: string) => `${at(alias)} >= $2 AND ${at(alias)} < $3`;
  const base = [ids, range.from, range.to];
  const [traffic, sentBy, episodes, withoutConsent, unbilled, risks] = await Promise.all([
    pool.query<ReviewFacts['traffic'][number]>(
      `SELECT c."matterId",
              count(*) FILTER (WHERE m.direction = 'inbound')::int AS inbound,
              count(*) FILTER (WHERE m.direction = 'outbound' AND m."authorUserId" IS NOT NULL)::int AS "byPeople",
              count(*) FILTER (WHERE m.direction = 'outbound' AND m."authorUserId" IS NULL)::int AS automated,
              count(*) FILTER (WHERE m.direction = 'inbound' AND m."afterHours")::int AS "afterHoursInbound"
         FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
        WHERE c."matterId" = ANY($1::text[]) AND ${inPeriod('m')}
        GROUP BY c."matterId"`,
      base,
    ),
    pool.query<ReviewFacts['sentBy'][number]>(
      `SELECT c."matterId", m."authorUserId" AS "userId", count(*)::int AS sent
         FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
        WHERE c."matterId" = ANY($1::text[]) AND ${inPeriod('m')} AND m.direction = 'outbound' AND m."authorUserId" IS NOT NULL
        GROUP BY 1, 2`,
      base,
    ),
    // Inbound messages that share their first human reply are one wait; those with none yet share a null reply.
    pool.query<Episode>(
      `WITH asked AS (
         SELECT c."matterId", m."conversationId", ${at('m')} AS at,
                (SELECT min(${at('o')}) FROM "Message" o
                  WHERE o."conversationId" = m."conversationId" AND o.direction = 'outbound' AND o."authorUserId" IS NOT NULL
                    AND o.status NOT IN ('cancelled', 'failed', 'scheduled') AND ${at('o')} >= ${at('m')}) AS "repliedAt"
           FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
          WHERE c."matterId" = ANY($1::text[]) AND ${inPeriod('m')} AND m.direction = 'inbound' AND NOT m.backfilled)
       SELECT e."matterId", e."conversationId", e."askedAt", e."repliedAt",
              (SELECT o."authorUserId" FROM "Message" o WHERE o."conversationId" = e."conversationId" AND o.direction = 'outbound'
                  AND o."authorUserId" IS NOT NULL AND ${at('o')} = e."repliedAt" ORDER BY o.id LIMIT 1) AS "repliedBy"
         FROM (SELECT "matterId", "conversationId", min(at) AS "askedAt", "repliedAt" FROM asked GROUP BY 1, 2, 4) e`,
      base,
    ),
    pool.query<ReviewFacts['withoutConsentAttempt'][number]>(
      `SELECT c."matterId", m."authorUserId" AS "userId", count(*)::int AS messages, count(DISTINCT m."identityId")::int AS contacts
         FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
        WHERE c."matterId" = ANY($1::text[]) AND ${inPeriod('m')} AND m.direction = 'outbound' AND m.purpose <> 'consent_request'
          AND m."identityId" IS NOT NULL AND m.status NOT IN ('cancelled')
          AND NOT EXISTS (SELECT 1 FROM "ConsentEvent" e WHERE e."identityId" = m."identityId"
                            AND e."toState" IN ('requested', 'opted_in') AND e."createdAt" <= ${at('m')})
          AND NOT EXISTS (SELECT 1 FROM "Message" r WHERE r."identityId" = m."identityId" AND r.purpose = 'consent_request'
                            AND r."capturedAt" <= m."capturedAt")
        GROUP BY 1, 2`,
      base,
    ),
    // Unbilled: drafted or approved, never exported; by the entries' working days in the firm's calendar.
    pool.query<ReviewFacts['unbilled'][number]>(
      `SELECT te."matterId", te."userId", count(*)::int AS entries, sum(te.tenths)::int AS tenths
         FROM "TimeEntry" te
        WHERE te."matterId" = ANY($1::text[]) AND te.state IN ('draft', 'approved') AND te."exportBatchId" IS NULL
          AND te.date >= $2::date AND te.date < $3::date
        GROUP BY 1, 2`,
      [ids, firmDay(range.from, timeZone), firmDay(range.to, timeZone, true)],
    ),
    pool.query<ReviewFacts['privilegeRisks'][number]>(
      `SELECT c."matterId", c.id AS "conversationId", c.title FROM "Conversation" c
        WHERE c."matterId" = ANY($1::text[]) AND c.kind = 'group' AND c."privilegeRisk" ORDER BY c."createdAt", c.id`,
      [ids],
    ),
  ]);
  return {
    promisedReplyMinutes: settings.promisedReplyMinutes,
    matters: matters.rows,
    traffic: traffic.rows,
    sentBy: sentBy.rows,
    episodes: episodes.rows,
    withoutConsentAttempt: withoutConsent.rows,
    unbilled: unbilled.rows,
    privilegeRisks: risks.rows,
  };
}

/** The firm's calendar day of an instant; with `exclusiveEnd`, the day after the last one the instant ends. */
function firmDay(instant: Date, timeZone: string, exclusiveEnd = false): string {
  const local = DateTime.fromJSDate(instant).setZone(timeZone);
  const day = exclusiveEnd && !local.equals(local.startOf('day')) ? local.plus({ days: 1 }) : local;
  return day.toISODate() ?? '1970-01-01';
}

/** The report's period: as asked, or the last 90 days. */
export function reviewPeriod(range: DateRange, now = new Date()): { from: Date; to: Date } {
  const to = range.to ?? now;
  return { from: range.from ?? new Date(to.getTime() - 90 * 24 * 60 * 60 * 1000), to };
}
