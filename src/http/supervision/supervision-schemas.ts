import { z } from 'zod';
import { channelKinds } from '../../core/search/search-filters.js';
import { idSchema, isRecordDate } from '../api/api-schemas.js';

// The supervisor's inputs: search, the matter file, exports, the file review report and legal holds.

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$|^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/, 'YYYY-MM-DD or an ISO 8601 time')
  .refine(isRecordDate, 'a real date between 1900 and 2999 (no 2026-02-30, no year 0000)');
const cursor = z.string().min(1).max(500);

/** What a search of the record is narrowed by: the words, and the matter, lawyer, client, channel, direction, days. */
const searchFilters = {
  q: z.string().trim().min(2, 'search for at least 2 characters').max(200),
  matter: z.string().trim().min(1).max(100).optional(),
  lawyer: idSchema.optional(),
  client: idSchema.optional(),
  channel: z.enum(channelKinds).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  privileged: z.enum(['include', 'exclude']).optional(),
  from: day.optional(),
  to: day.optional(),
};

export const searchQuerySchema = z
  .object({ ...searchFilters, limit: z.coerce.number().int().min(1).max(100).default(20), cursor: cursor.optional() })
  .strict();

/** GET /api/search.csv: the same search, every page. */
export const searchCsvQuerySchema = z.object(searchFilters).strict();

/** POST /api/searches: a search kept under a name, with the filters GET /api/search takes. */
export const savedSearchSchema = z
  .object({
    name: z.string().trim().min(1, 'give the search a name').max(80, 'a name of at most 80 characters'),
    query: searchCsvQuerySchema,
  })
  .strict();

export const matterFileQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(2000).default(500), cursor: cursor.optional() })
  .strict();

export const emptyQuerySchema = z.object({}).strict();

/** GET /api/matters/:id/export.rsmf: a slice of the matter's messages, privileged ones withheld unless asked for. */
export const rsmfQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    conversation: idSchema.optional(),
    privileged: z.enum(['withhold', 'include']).default('withhold'),
  })
  .strict();

export const reviewQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    matter: idSchema.optional(),
    lawyer: idSchema.optional(),
  })
  .strict();

export const legalHoldSchema = z.object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(1000) }).strict();

/** POST /api/matters/:id/privilege: messages of the matter, or one whole conversation, marked privileged. */
export const markPrivilegeSchema = z
  .object({
    messageIds: z.array(idSchema).min(1, 'name at least one message').max(500, 'at most 500 messages at once').optional(),
    conversationId: idSchema.optional(),
    privilege: z.enum(['attorney_client', 'work_product']),
    basis: z.string().trim().min(3, 'say why the privilege applies (at least 3 characters)').max(500),
    description: z
      .string()
      .trim()
      .min(3, 'describe the withheld item for the log, without revealing it (at least 3 characters)')
      .max(500),
  })
  .strict()
  .refine((body) => (body.messageIds === undefined) !== (body.conversationId === undefined), {
    message: 'give either messageIds or conversationId, not both',
    path: ['messageIds'],
  });

/** DELETE /api/privilege/:id: withdrawing a mark, with the reason. */
export const withdrawPrivilegeSchema = z.object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(1000) }).strict();

/** GET /api/matters/:id/privilege-log: JSON, or CSV with format=csv. */
export const privilegeLogQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();
