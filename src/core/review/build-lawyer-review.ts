import { auditReview, sum } from './build-matter-review.js';
import type { ReviewScope } from './collect-review-facts.js';
import { collectReviewFacts } from './collect-review-facts.js';
import type { CsvColumn } from './review-csv.js';
import type { ResponseTimes } from './response-times.js';
import { summarizeResponses } from './response-times.js';

export interface LawyerReviewRow {
  lawyer: { id: string; name: string };
  /** The matters (of those the viewer may see) this person is on. */
  matters: number;
  messagesSent: number;
  inboundOnTheirMatters: number;
  afterHoursInbound: number;
  /** Waits on their matters, whoever answered. */
  firstResponse: ResponseTimes;
  answeredByThem: number;
  withoutConsentAttempt: { messages: number; contacts: number };
  unbilled: { entries: number; hours: number };
  privilegeRisks: number;
}

export interface LawyerReview {
  period: { from: Date; to: Date };
  promisedReplyMinutes: number;
  rows: LawyerReviewRow[];
}

/**
 * The file review report per person: everyone on a matter the viewer may see, or who wrote in one, with what
 * happened on their matters and what they did themselves (sent, answered, unbilled time). Only matters the viewer may
 * see count, so a walled matter never leaks into a colleague's totals. Reading it is an audit event.
 */
export async function buildLawyerReview(scope: ReviewScope): Promise<LawyerReview> {
  const facts = await collectReviewFacts({ ...scope, lawyerId: undefined });
  const asOf = new Date(Math.min(Date.now(), scope.range.to.getTime()));
  const people = new Map<string, string>();
  for (const matter of facts.matters) for (const member of matter.members) people.set(member.userId, member.name);
  const authors = facts.sentBy.filter((s) => !people.has(s.userId)).map((s) => s.userId);
  if (authors.length > 0) {
    const found = await scope.pool.query<{ id: string; name: string }>(`SELECT id, name FROM "User" WHERE id = ANY($1::text[]) AND "firmId" = $2`, [authors, scope.viewer.firmId]);
    for (const user of found.rows) people.set(user.id, user.name);
  }
  const rows = [...people]
    .filter(([id]) => scope.lawyerId === undefined || id === scope.lawyerId)
    .map(([id, name]): LawyerReviewRow => {
      const theirs = new Set(facts.matters.filter((m) => m.members.some((member) => member.userId === id)).map((m) => m.id));
      const traffic = facts.traffic.filter((t) => theirs.has(t.matterId));
      const noConsent = facts.withoutConsentAttempt.filter((n) => n.userId === id);
      const unbilled = facts.unbilled.filter((u) => u.userId === id);
      return {
        lawyer: { id, name },
        matters: theirs.size,
        messagesSent: sum(facts.sentBy.filter((s) => s.userId === id).map((s) => s.sent)),
        inboundOnTheirMatters: sum(traffic.map((t) => t.inbound)),
        afterHoursInbound: sum(traffic.map((t) => t.afterHoursInbound)),
        firstResponse: summarizeResponses(facts.episodes.filter((e) => theirs.has(e.matterId)), facts.promisedReplyMinutes, asOf),
        answeredByThem: facts.episodes.filter((e) => e.repliedBy === id).length,
        withoutConsentAttempt: { messages: sum(noConsent.map((n) => n.messages)), contacts: sum(noConsent.map((n) => n.contacts)) },
        unbilled: { entries: sum(unbilled.map((u) => u.entries)), hours: sum(unbilled.map((u) => u.tenths)) / 10 },
        privilegeRisks: facts.privilegeRisks.filter((r) => theirs.has(r.matterId)).length,
      };
    })
    .sort((a, b) => a.lawyer.name.localeCompare(b.lawyer.name) || a.lawyer.id.localeCompare(b.lawyer.id));
  await auditReview(scope, 'lawyers', rows.length);
  return { period: scope.range, promisedReplyMinutes: facts.promisedReplyMinutes, rows };
}

export const lawyerReviewColumns: readonly CsvColumn<LawyerReviewRow>[] = [
  { header: 'lawyer', value: (r) => r.lawyer.name },
  { header: 'matters', value: (r) => r.matters },
  { header: 'messages_sent', value: (r) => r.messagesSent },
  { header: 'inbound_on_their_matters', value: (r) => r.inboundOnTheirMatters },
  { header: 'after_hours_inbound', value: (r) => r.afterHoursInbound },
  { header: 'waits_for_first_response', value: (r) => r.firstResponse.episodes },
  { header: 'answered_within_promise', value: (r) => r.firstResponse.answeredWithinPromise },
  { header: 'answered_late', value: (r) => r.firstResponse.answeredLate },
  { header: 'unanswered_overdue', value: (r) => r.firstResponse.unansweredOverdue },
  { header: 'median_first_response_minutes', value: (r) => r.firstResponse.medianMinutes },
  { header: 'answered_by_them', value: (r) => r.answeredByThem },
  { header: 'messages_to_contacts_without_consent_attempt', value: (r) => r.withoutConsentAttempt.messages },
  { header: 'unbilled_entries', value: (r) => r.unbilled.entries },
  { header: 'unbilled_hours', value: (r) => r.unbilled.hours.toFixed(1) },
  { header: 'group_chats_with_third_party', value: (r) => r.privilegeRisks },
];
