import { z } from 'zod';
import { timekeeperClassificationCodes } from '../../core/time/timekeeper-classification.js';
import { firmSettingsSchema } from '../../core/firm-settings.js';
import { businessHoursSpecSchema } from '../../core/hours/business-hours.js';
import type { JsonSchema } from './helpers.js';
import { arrayOf, bool, dateTime, day, int, nullable, num, obj, ref, schemaOf, str } from './helpers.js';

// The document's shared parts: the session cookie, the error answers, and the views the routes return (hand-written
// from the core's view types; settings and office hours are generated from the zod schemas that read them).

const errorStatuses: Record<number, string> = {
  400: 'bad input (each bad field named in details.problems), or a body that is not valid JSON or UTF-8',
  401: 'not signed in (or the TOTP step is still owed)',
  403: 'not allowed for your role, or the x-csrf-token header is missing or wrong',
  404: 'not found, or not visible to you',
  409: 'conflict with the current state',
  413: 'the request body is larger than allowed',
  415: 'the request body is not application/json',
  429: 'too many attempts; try again later',
};

const idName = obj({ id: str, name: str });
const matterRef = obj({ id: str, number: str, title: str });
const responseTimes = obj({
  episodes: int,
  answered: int,
  answeredWithinPromise: int,
  answeredLate: int,
  unansweredOverdue: int,
  medianMinutes: nullable(num),
  p90Minutes: nullable(num),
  maxMinutes: nullable(num),
});
const unbilledSums = {
  draftHours: num,
  approvedHours: num,
  unbilledHours: num,
  unbilledCents: int,
  writtenOffHours: num,
  writtenOffCents: int,
  billedHours: num,
  nonBillableHours: num,
};
const period = obj({ from: dateTime, to: dateTime });

const timeEntry = obj({
  id: str,
  date: day,
  hours: num,
  seconds: int,
  narrative: str,
  activityCode: str,
  taskCode: nullable(str),
  rateCents: int,
  amountCents: int,
  billable: bool,
  state: { enum: ['draft', 'approved', 'written_off', 'exported'] },
  startedAt: nullable(dateTime),
  endedAt: nullable(dateTime),
  editedAt: nullable(dateTime),
  approvedAt: nullable(dateTime),
  approvedById: nullable(str),
  writeOffReason: nullable(str),
  exportBatchId: nullable(str),
  user: obj({ id: str, name: str, timekeeperId: nullable(str) }),
  matter: obj({ id: str, number: str, title: str, billingType: str }),
  activityCount: int,
  updatedAt: dateTime,
});

const schemas: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: { error: str, message: str, details: { type: 'object' }, state: { ...str, description: 'the contact\'s consent state, on consent_required' } },
  },
  User: obj({ id: str, email: str, name: str, role: { enum: ['admin', 'supervisor', 'lawyer', 'staff'] } }),
  SignedIn: obj({ user: ref('User'), csrfToken: str }),
  ConversationSummary: {
    type: 'object',
    properties: {
      id: str,
      title: nullable(str),
      contact: { type: 'object' },
      matter: nullable({ type: 'object', properties: { id: str, number: str, title: str } }),
      needsTriage: bool,
      lastMessageAt: nullable(dateTime),
      unreadCount: int,
      lastMessage: nullable(obj({ direction: { enum: ['inbound', 'outbound'] }, kind: str, text: nullable(str), files: int })),
      attention: obj({ urgent: bool, revocationPending: bool, blocked: bool }),
    },
  },
  Notification: obj({
    id: str,
    kind: { enum: ['urgent_after_hours', 'revocation_review'] },
    conversationId: nullable(str),
    messageId: nullable(str),
    text: nullable(str),
    createdAt: dateTime,
    readAt: nullable(dateTime),
  }),
  ConversationDetail: {
    type: 'object',
    properties: {
      id: str,
      account: { type: 'object' },
      contact: nullable({ type: 'object', properties: { address: str, consentState: { enum: ['unknown', 'requested', 'opted_in', 'opted_out'] }, blocked: bool, revocationPending: bool } }),
      client: nullable({ type: 'object' }),
      matter: nullable({ type: 'object' }),
      flags: { type: 'object', properties: { needsTriage: bool, routingNeedsConfirmation: bool, privilegeRisk: bool } },
      unreadCount: int,
    },
  },
  Message: {
    type: 'object',
    properties: {
      id: str,
      direction: { enum: ['inbound', 'outbound'] },
      text: nullable(str),
      status: str,
      capturedAt: dateTime,
      afterHours: { type: 'boolean', description: 'sent by the client while the office was closed' },
      backfilled: { type: 'boolean', description: 'arrived by history sync or reconnect replay' },
      templateName: nullable(str),
      attachments: arrayOf({ type: 'object' }),
      statusEvents: arrayOf({ type: 'object', properties: { status: str, at: dateTime } }),
    },
  },
  SentMessage: {
    type: 'object',
    properties: { id: str, conversationId: str, direction: { const: 'outbound' }, text: nullable(str), status: str, authorUserId: str, capturedAt: dateTime, scheduledFor: nullable(dateTime), heldUntil: nullable(dateTime), duplicate: bool, moreMessageIds: arrayOf(str) },
  },
  Client: { type: 'object', properties: { id: str, number: str, name: str, language: nullable(str) } },
  Matter: obj({ id: str, number: str, title: str, clientId: str, clientName: str, practiceArea: nullable(str), status: str, billingType: str, openedAt: dateTime, members: arrayOf(obj({ userId: str, name: str, role: str })) }),
  UserSummary: {
    type: 'object',
    properties: {
      id: str, email: str, role: str, disabled: bool, locked: bool, totpEnabled: bool, timekeeperId: nullable(str),
      classification: { enum: [...timekeeperClassificationCodes] }, classificationSet: bool,
    },
  },
  Account: obj({
    id: str,
    kind: { enum: ['simulator', 'baileys', 'whatsapp-web', 'signal', 'whatsapp-cloud', 'twilio'] },
    name: str,
    address: nullable(str),
    state: str,
    stateReason: nullable(str),
    lastError: nullable(str),
    qrCode: nullable(str),
    lastEventAt: nullable(dateTime),
    connectedBy: nullable(str),
    createdAt: dateTime,
    warnings: arrayOf(obj({ code: str, message: str })),
  }),
  AccountReport: obj({
    id: str,
    kind: { enum: ['provider_error', 'unparsed', 'unrouted'] },
    detail: str,
    raw: {},
    at: dateTime,
    createdAt: dateTime,
  }),
  Template: obj({ kind: str, language: { enum: ['en', 'es'] }, body: str, custom: bool, variables: arrayOf(str) }),
  BusinessHours: schemaOf(businessHoursSpecSchema, 'output'),
  // What GET /api/admin/business-hours answers: the hours and whose they are (null: the firm's). One object schema:
  // an allOf of the closed BusinessHours and another object could never be satisfied.
  BusinessHoursOfAccount: schemaOf(businessHoursSpecSchema.extend({ accountId: z.string().nullable() }), 'output'),
  FirmSettings: schemaOf(firmSettingsSchema, 'output'),
  Consent: obj({
    state: { enum: ['unknown', 'requested', 'opted_in', 'opted_out', 'blocked'] },
    consentState: { enum: ['unknown', 'requested', 'opted_in', 'opted_out'] },
    blocked: bool,
    revocationPendingMessageId: nullable(str),
    events: arrayOf(obj({ at: dateTime, from: nullable(str), to: str, source: str, channel: nullable(str), messageId: nullable(str), text: nullable(str), actorUserId: nullable(str), note: nullable(str) })),
  }),
  Composer: obj({
    consent: obj({ state: nullable(str), blocked: bool, revocationPending: bool, mayReceive: bool, reason: nullable(str), requestedAt: nullable(dateTime), nextRequestAt: nullable(dateTime) }),
    office: obj({ hoursSet: bool, open: bool, nextOpening: nullable(dateTime), timeZone: nullable(str), defaultWhenClosed: { enum: ['send_now', 'hold'] } }),
    window: obj({ applies: bool, open: bool, closesAt: nullable(dateTime) }),
    templates: obj({ sendable: bool, list: arrayOf(obj({ name: str, language: str, text: str })) }),
  }),
  IntakeMatter: obj({ id: str, number: str, title: str, status: str, clientId: str, clientName: str }),
  Notice: obj({
    id: str,
    title: str,
    bodies: obj({ en: str }),
    criteria: { type: 'object' },
    survey: bool,
    surveyDays: int,
    accountId: nullable(str),
    state: { enum: ['draft', 'sending', 'done', 'cancelled'] },
    createdAt: dateTime,
    startedAt: nullable(dateTime),
    finishedAt: nullable(dateTime),
    progress: obj({ total: int, pending: int, sent: int, skipped: int, failed: int, cancelled: int, delivered: int, read: int }),
    skippedReasons: { type: 'object', additionalProperties: int },
  }),
  NoticeRecipient: obj({
    id: str,
    client: idName,
    matter: nullable(matterRef),
    state: { enum: ['pending', 'sent', 'skipped', 'failed', 'cancelled'] },
    skippedReason: nullable(str),
    messageId: nullable(str),
    conversationId: nullable(str),
    messageStatus: nullable(str),
  }),
  SurveyReport: obj({ noticeId: str, surveyDays: int, sent: int, responses: int, counts: obj({ 1: int, 2: int, 3: int, 4: int, 5: int }), average: nullable(num), responseRate: num }),
  WebhookEndpoint: obj({ id: str, url: str, events: arrayOf(str), description: nullable(str), active: bool, createdAt: dateTime, deliveries: obj({ pending: int, delivered: int, failed: int }) }),
  WebhookDelivery: obj({
    id: str,
    event: str,
    state: { enum: ['pending', 'delivered', 'failed'] },
    attempts: int,
    lastStatus: nullable(int),
    lastError: nullable(str),
    occurredAt: dateTime,
    deliveredAt: nullable(dateTime),
    nextAttemptAt: nullable(dateTime),
    log: arrayOf(obj({ attempt: int, status: nullable(int), error: nullable(str), durationMs: int, at: dateTime })),
  }),
  MatterEvent: obj({
    id: str,
    matterId: str,
    title: str,
    location: nullable(str),
    startsAt: dateTime,
    cancelled: bool,
    reminders: arrayOf(obj({ id: str, offsetMinutes: int, state: { enum: ['scheduled', 'sent', 'skipped', 'cancelled'] }, sendAt: dateTime, skippedReason: nullable(str), messageId: nullable(str) })),
  }),
  LegalHold: obj({ matterId: str, legalHold: bool, reason: nullable(str), placedById: nullable(str), placedAt: nullable(dateTime) }),
  SearchResult: obj({
    query: str,
    items: arrayOf(obj({
      messageId: str,
      conversationId: str,
      matter: nullable(matterRef),
      client: nullable(idName),
      contact: nullable(obj({ identityId: str, address: str, displayName: nullable(str) })),
      channel: str,
      direction: { enum: ['inbound', 'outbound'] },
      at: dateTime,
      author: nullable(idName),
      snippet: { ...str, description: 'HTML, escaped, each hit in <mark>' },
      attachments: arrayOf(obj({ id: str, fileName: str, fileNameHtml: str })),
      rank: num,
    })),
    contacts: arrayOf(obj({ identityId: str, address: str, displayName: nullable(str), channel: str, client: nullable(idName), blocked: bool, conversations: arrayOf(obj({ id: str, matterId: nullable(str), matterNumber: nullable(str) })) })),
    nextCursor: nullable(str),
  }),
  MatterFile: obj({
    matter: obj({ id: str, number: str, title: str, practiceArea: nullable(str), status: str, billingType: str, openedAt: dateTime, closedAt: nullable(dateTime), client: { type: 'object' }, members: arrayOf({ type: 'object' }), legalHold: nullable({ type: 'object' }), conversations: arrayOf({ type: 'object' }) }),
    items: arrayOf(obj({ kind: str, at: dateTime, id: str, data: { type: 'object' } })),
    nextCursor: nullable(str),
  }),
  MatterReview: obj({
    period,
    promisedReplyMinutes: int,
    rows: arrayOf(obj({
      matter: obj({ id: str, number: str, title: str, client: str, members: arrayOf(str) }),
      messages: obj({ inbound: int, byPeople: int, automated: int, total: int }),
      afterHoursInbound: int,
      firstResponse: responseTimes,
      withoutConsentAttempt: obj({ messages: int, contacts: int }),
      unbilled: obj({ entries: int, hours: num }),
      privilegeRisks: arrayOf(obj({ conversationId: str, title: nullable(str) })),
    })),
  }),
  LawyerReview: obj({
    period,
    promisedReplyMinutes: int,
    rows: arrayOf(obj({
      lawyer: idName,
      matters: int,
      messagesSent: int,
      inboundOnTheirMatters: int,
      afterHoursInbound: int,
      firstResponse: responseTimes,
      answeredByThem: int,
      withoutConsentAttempt: obj({ messages: int, contacts: int }),
      unbilled: obj({ entries: int, hours: num }),
      privilegeRisks: int,
    })),
  }),
  TimeEntry: timeEntry,
  TimeEntryDetail: {
    allOf: [
      ref('TimeEntry'),
      obj({ activities: arrayOf(obj({ id: str, kind: str, seconds: int, measuredMs: nullable(int), occurredAt: dateTime, conversationId: nullable(str), message: nullable(obj({ id: str, direction: { enum: ['inbound', 'outbound'] }, kind: str, capturedAt: dateTime })) })) }),
    ],
  },
  ExportBatch: obj({ id: str, sequence: int, format: str, from: day, to: day, entryCount: int, sha256: str, csvSha256: str, createdById: nullable(str), createdAt: dateTime }),
  UnbilledTimeReport: obj({
    from: day,
    to: day,
    by: { enum: ['lawyer', 'matter'] },
    rows: arrayOf(obj({ id: str, label: str, ...unbilledSums })),
    total: obj(unbilledSums),
  }),
};

export const components = {
  securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'ml_session' } },
  schemas,
  responses: Object.fromEntries(
    Object.entries(errorStatuses).map(([status, description]) => [`Error${status}`, { description, content: { 'application/json': { schema: ref('Error') } } }]),
  ),
};
