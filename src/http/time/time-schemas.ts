import { z } from 'zod';
import { idSchema, isRecordDate } from '../api/api-schemas.js';

// The time API's input schemas (issue 6). Hours are decimal in the API and tenths inside: a value that is not a
// whole number of tenths is refused rather than silently rounded.

const dateSchema = z.iso.date('a real date as YYYY-MM-DD').refine(isRecordDate, 'a real date between 1900 and 2999');

export const hoursSchema = z
  .number()
  .min(0.1, 'at least 0.1')
  .max(24, 'at most 24')
  .refine((hours) => Math.abs(hours * 10 - Math.round(hours * 10)) < 1e-9, 'in tenths of an hour, like 0.3')
  .transform((hours) => Math.round(hours * 10));

const codeSchema = z.string().regex(/^[A-Z][A-Z0-9]{1,19}$/, 'a UTBMS code like L120 or A106');
const narrativeSchema = z.string().trim().min(1, 'cannot be empty').max(1000, 'at most 1000 characters');

const ordered = <T extends { from?: string; to?: string }>(range: T) => range.from === undefined || range.to === undefined || range.from <= range.to;
const orderedProblem = { message: 'from must not be after to', path: ['from'] };

export const dateRangeQuerySchema = z.object({ from: dateSchema, to: dateSchema }).strict().refine(ordered, orderedProblem);
/** POST /api/time/exports: the approved entries of these working days become one batch. */
export const createExportSchema = z.object({ from: dateSchema, to: dateSchema }).strict().refine(ordered, orderedProblem);

export const listEntriesQuerySchema = z
  .object({
    from: dateSchema.optional(),
    to: dateSchema.optional(),
    state: z.enum(['draft', 'approved', 'written_off', 'exported']).optional(),
    userId: idSchema.optional(),
    matterId: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine(ordered, orderedProblem);

export const editEntrySchema = z
  .object({ hours: hoursSchema.optional(), narrative: narrativeSchema.optional(), taskCode: codeSchema.nullable().optional(), activityCode: codeSchema.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'change at least one of hours, narrative, taskCode, activityCode');

export const splitEntrySchema = z
  .object({
    activityIds: z.array(idSchema).min(1).max(1000),
    hours: hoursSchema.optional(),
    remainingHours: hoursSchema.optional(),
    narrative: narrativeSchema.optional(),
    remainingNarrative: narrativeSchema.optional(),
  })
  .strict();

export const mergeEntriesSchema = z
  .object({ entryIds: z.array(idSchema).min(2).max(50), hours: hoursSchema.optional(), narrative: narrativeSchema.optional() })
  .strict();

export const writeOffSchema = z.object({ reason: z.string().trim().min(1, 'say why').max(500) }).strict();

export const reportQuerySchema = z
  .object({ from: dateSchema, to: dateSchema, by: z.enum(['lawyer', 'matter']).default('lawyer') })
  .strict()
  .refine(ordered, orderedProblem);

export const exportDownloadQuerySchema = z.object({ format: z.enum(['ledes', 'csv']).default('ledes') }).strict();
