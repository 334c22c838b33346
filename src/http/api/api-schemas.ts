import { z } from 'zod';
import { conversationViews } from '../../core/inbox/list-conversations.js';
import { timekeeperClassificationCodes } from '../../core/time/timekeeper-classification.js';

// The API's input schemas, shared by the routes (validation) and openapi.ts (the published document).

/**
 * A date or time the record can hold and PostgreSQL can compare: a real calendar day (2026-02-30 is not one) in the
 * years 1900 to 2999. Year 0000 and the like would pass a pattern and fail in PostgreSQL as a 500.
 */
export function isRecordDate(value: string): boolean {
  const parsed = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed.getTime())) return false;
  const year = parsed.getUTCFullYear();
  if (year < 1900 || year > 2999) return false;
  return value.length !== 10 || parsed.toISOString().slice(0, 10) === value;
}

export const idSchema = z.string().min(1).max(100).regex(/^[\w-]+$/, 'an id');
export const idParamsSchema = z.object({ id: idSchema }).strict();

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().min(1).max(500);

export const loginSchema = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024) }).strict();
export type LoginInput = z.infer<typeof loginSchema>;

export const totpCodeSchema = z.object({ code: z.string().regex(/^\d{6}$/, 'the 6-digit code from the authenticator app') }).strict();

export const passwordResetSchema = z
  .object({ token: z.string().min(20).max(200), password: z.string().min(12, 'at least 12 characters').max(1024) })
  .strict();

export const listConversationsQuerySchema = z
  .object({
    matterId: idSchema.optional(),
    triage: flag.optional(),
    unread: flag.optional(),
    view: z.enum(conversationViews).optional(),
    q: z.string().trim().min(1, 'type something to search for').max(200, 'at most 200 characters').optional(),
    limit,
    cursor: cursor.optional(),
  })
  .strict();

export const cannedReplySchema = z
  .object({
    name: z.string().trim().min(1, 'give the saved reply a name').max(100, 'at most 100 characters'),
    language: z.enum(['en', 'es'], { message: 'en or es (the languages clients write in)' }),
    body: z.string().trim().min(1, 'a saved reply cannot be empty').max(4096, 'at most 4096 characters, as a reply'),
  })
  .strict();

export const assigneeSchema = z.object({ userId: idSchema.nullable() }).strict();
export const snoozeSchema = z
  .object({ until: z.iso.datetime({ offset: true, message: 'a date and time with its offset, e.g. 2026-12-07T09:00:00Z' }).refine(isRecordDate, 'not a real date') })
  .strict();
export const noteSchema = z.object({ text: z.string().trim().min(1, 'a note cannot be empty').max(10_000, 'at most 10,000 characters') }).strict();

export const notificationsQuerySchema = z.object({ unread: flag.optional() }).strict();

export const listMessagesQuerySchema = z.object({ limit, cursor: cursor.optional() }).strict();

/** The text fields of a send with files (multipart/form-data): as sendMessageSchema, text optional, numbers as text. */
export const sendFilesFormSchema = z
  .object({
    text: z.string().trim().min(1, 'a message cannot be empty').max(4096, 'at most 4096 characters').optional(),
    idempotencyKey: z.string().min(1).max(200).regex(/^[\w.:-]+$/, 'letters, digits and . _ : -').optional(),
    whenClosed: z.enum(['send_now', 'hold']).optional(),
    compositionMs: z.coerce.number().int().min(0).max(86_400_000).optional(),
    // The client's agreement to receive sensitive data over an insecure channel, in the sender's words (core/channel-rules/sensitive-send.ts).
    sensitiveDataConsent: z.string().trim().min(10, 'say how and when the client agreed (at least 10 characters)').max(1000).optional(),
  })
  .strict();

export const sendMessageSchema = z
  .object({
    text: z.string().trim().min(1, 'a message cannot be empty').max(4096, 'at most 4096 characters').optional(),
    // WhatsApp after its 24-hour window: an approved template of the account instead of free text.
    template: z.object({ name: z.string().min(1).max(512), language: z.string().min(2).max(10) }).strict().optional(),
    idempotencyKey: z.string().min(1).max(200).regex(/^[\w.:-]+$/, 'letters, digits and . _ : -').optional(),
    whenClosed: z.enum(['send_now', 'hold']).optional(),
    // Billable time: milliseconds from the first keystroke to send, measured by the inbox (at most a day).
    compositionMs: z.number().int().min(0).max(86_400_000).optional(),
    // The client's agreement to receive sensitive data over an insecure channel, in the sender's words (core/channel-rules/sensitive-send.ts).
    sensitiveDataConsent: z.string().trim().min(10, 'say how and when the client agreed (at least 10 characters)').max(1000).optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.template === undefined), {
    message: 'send either text or an approved template',
    path: ['text'],
  });

export const assignConversationSchema = z.object({ clientId: idSchema, matterId: idSchema }).strict();

/** The firm's own client number, as its billing system knows it (LEDES CLIENT_ID: at most 20 characters). */
export const clientNumberSchema = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, 'letters, digits, . _ - (at most 20), like C00042 or 2026-017');

export const createClientSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    number: clientNumberSchema.optional(),
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language tag like en or es').optional(),
    email: z.email().max(320).optional(),
    notes: z.string().max(10_000).optional(),
    tags: z.array(z.string().min(1).max(50)).max(50).optional(),
  })
  .strict();

export const listClientsQuerySchema = z.object({ scope: z.enum(['mine', 'intake']).optional() }).strict();
export const listMattersQuerySchema = z.object({ clientId: idSchema.optional(), scope: z.enum(['mine', 'intake']).optional() }).strict();

export const createMatterSchema = z
  .object({
    clientId: idSchema,
    number: z.string().trim().min(1).max(50),
    title: z.string().trim().min(1).max(300),
    practiceArea: z.string().max(100).optional(),
    billingType: z.enum(['hourly', 'flat_fee', 'contingency', 'pro_bono']).optional(),
    members: z.array(z.object({ userId: idSchema, role: z.enum(['responsible', 'member']) }).strict()).max(50).optional(),
  })
  .strict();

export const inviteUserSchema = z
  .object({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    role: z.enum(['admin', 'supervisor', 'lawyer', 'staff']),
  })
  .strict();

export const emptyBodySchema = z.object({}).strict();

/** A client's number changed: PATCH /api/clients/:id. */
export const editClientSchema = z
  .object({
    number: clientNumberSchema.optional(),
    name: z.string().trim().min(1, 'a client needs a name').max(200).optional(),
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language tag like en or es').nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    /** true closes the client (every matter closed first), false reopens it. */
    closed: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of number, name, language, email, closed' });

export const editMatterSchema = z
  .object({
    title: z.string().trim().min(1, 'a matter needs a title').max(300).optional(),
    practiceArea: z.string().trim().max(100).nullable().optional(),
    billingType: z.enum(['hourly', 'flat_fee', 'contingency', 'pro_bono']).optional(),
    status: z.enum(['open', 'closed']).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of title, practiceArea, billingType, status' });

export const matterMemberSchema = z.object({ userId: idSchema, role: z.enum(['responsible', 'member']).default('member') }).strict();
export const ethicalWallSchema = z.object({ userId: idSchema, reason: z.string().trim().min(3, 'at least 3 characters: the wall\'s reason is kept').max(1000) }).strict();
export const wallRemovalSchema = z.object({ reason: z.string().trim().min(3, 'at least 3 characters: why the wall comes down is kept').max(1000) }).strict();
export const memberParamsSchema = z.object({ id: idSchema, userId: idSchema }).strict();
export const wallParamsSchema = z.object({ id: idSchema, wallId: idSchema }).strict();

/** A user's billing identity: PATCH /api/admin/users/:id (null classification: derived from the role). */
export const editUserBillingSchema = z
  .object({
    classification: z.enum(timekeeperClassificationCodes).nullable().optional(),
    timekeeperId: z.string().trim().regex(/^[A-Za-z0-9._-]{1,20}$/, 'letters, digits, . _ - (at most 20)').nullable().optional(),
    role: z.enum(['admin', 'supervisor', 'lawyer', 'staff']).optional(),
  })
  .strict()
  .refine((body) => body.classification !== undefined || body.timekeeperId !== undefined || body.role !== undefined, {
    message: 'give role, classification or timekeeperId',
  });
