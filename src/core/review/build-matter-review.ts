import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import type { ReviewScope } from './collect-review-facts.js';
import { collectReviewFacts } from './collect-review-facts.js';
import type { CsvColumn } from './review-csv.js';
import type { ResponseTimes } from './response-times.js';
import { summarizeResponses } from './response-times.js';

export interface MatterReviewRow {
  matter: { id: string; number: string; title: string; client: string; members: string[] };
  messages: { inbound: number; byPeople: number; automated: number; total: number };
  afterHoursInbound: number;
  firstResponse: ResponseTimes;
  withoutConsentAttempt: { messages: number; contacts: number };
  unbilled: { entries: number; hours: number };
  privilegeRisks: { conversationId: string; title: string | null }[];
}

export interface MatterReview {
  period: { from: Date; to: Date };
  promisedReplyMinutes: number;
  rows: MatterReviewRow[];
}

/**
 * The file review report per matter, over the matters the viewer may see. Reading it is an audit event (it is a
 * read of the record, if a summarized one).
 */
export async function buildMatterReview(scope: ReviewScope): Promise<MatterReview> {
  const facts = await collectReviewFacts(scope);
  const asOf = new Date(Math.min(Date.now(), scope.range.to.getTime()));
  const rows = facts.matters.map((matter): MatterReviewRow => {
    const traffic = facts.traffic.find((t) => t.matterId === matter.id);
    const noConsent = facts.withoutConsentAttempt.filter((n) => n.matterId === matter.id);
    const unbilled = facts.unbilled.filter((u) => u.matterId === matter.id);
    const inbound = traffic?.inbound ?? 0;
    const byPeople = traffic?.byPeople ?? 0;
    const automated = traffic?.automated ?? 0;
    return {
      matter: { id: matter.id, number: matter.number, title: matter.title, client: matter.clientName, members: matter.members.map((m) => m.name) },
      messages: { inbound, byPeople, automated, total: inbound + byPeople + automated },
      afterHoursInbound: traffic?.afterHoursInbound ?? 0,
      firstResponse: summarizeResponses(facts.episodes.filter((e) => e.matterId === matter.id), facts.promisedReplyMinutes, asOf),
      withoutConsentAttempt: { messages: sum(noConsent.map((n) => n.messages)), contacts: sum(noConsent.map((n) => n.contacts)) },
      unbilled: { entries: sum(unbilled.map((u) => u.entries)), hours: sum(unbilled.map((u) => u.tenths)) / 10 },
      privilegeRisks: facts.privilegeRisks.filter((r) => r.matterId === matter.id).map(({ conversationId, title }) => ({ conversationId, title })),
    };
  });
  await auditReview(scope, 'matters', rows.length);
  return { period: scope.range, promisedReplyMinutes: facts.promisedReplyMinutes, rows };
}

export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export async function auditReview(scope: ReviewScope, by: 'matters' | 'lawyers', rows: number): Promise<void> {
  const viewer: Viewer = scope.viewer;
  await recordAudit(scope.pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'review.report_read',
    subjectType: 'firm',
    subjectId: viewer.firmId,
    details: { by, rows, from: scope.range.from.toISOString(), to: scope.range.to.toISOString(), matterId: scope.matterId ?? null, lawyerId: scope.lawyerId ?? null },
  });
}

export const matterReviewColumns: readonly CsvColumn<MatterReviewRow>[] = [
  { header: 'matter_number', value: (r) => r.matter.number },
  { header: 'matter_title', value: (r) => r.matter.title },
  { header: 'client', value: (r) => r.matter.client },
  { header: 'members', value: (r) => r.matter.members.join('; ') },
  { header: 'messages_total', value: (r) => r.messages.total },
  { header: 'messages_inbound', value: (r) => r.messages.inbound },
  { header: 'messages_sent_by_people', value: (r) => r.messages.byPeople },
  { header: 'messages_automated', value: (r) => r.messages.automated },
  { header: 'after_hours_inbound', value: (r) => r.afterHoursInbound },
  { header: 'waits_for_first_response', value: (r) => r.firstResponse.episodes },
  { header: 'answered_within_promise', value: (r) => r.firstResponse.answeredWithinPromise },
  { header: 'answered_late', value: (r) => r.firstResponse.answeredLate },
  { header: 'unanswered_overdue', value: (r) => r.firstResponse.unansweredOverdue },
  { header: 'median_first_response_minutes', value: (r) => r.firstResponse.medianMinutes },
  { header: 'p90_first_response_minutes', value: (r) => r.firstResponse.p90Minutes },
  { header: 'max_first_response_minutes', value: (r) => r.firstResponse.maxMinutes },
  { header: 'messages_to_contacts_without_consent_attempt', value: (r) => r.withoutConsentAttempt.messages },
  { header: 'unbilled_entries', value: (r) => r.unbilled.entries },
  { header: 'unbilled_hours', value: (r) => r.unbilled.hours.toFixed(1) },
  { header: 'group_chats_with_third_party', value: (r) => r.privilegeRisks.length },
];
