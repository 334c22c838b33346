import { z } from 'zod';
import { templateVariableNames } from '../templates/render-template.js';

/** The variables a notice's text may use; each client's are filled in when their message is written. */
export const noticeVariables = ['firm', 'client_name'] as const;

const noticeText = z
  .string()
  .trim()
  .min(1, 'the text may not be empty')
  .max(1000, 'at most 1000 characters')
  .superRefine((text, ctx) => {
    const unknown = templateVariableNames(text).filter((name) => !(noticeVariables as readonly string[]).includes(name));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown variables: ${unknown.map((v) => `{${v}}`).join(', ')}; use {firm} or {client_name}` });
  });

const names = z.array(z.string().trim().min(1).max(100)).max(50);

/** Who gets a notice: clients with a matter of these practice areas, statuses and tags (any of each list; all lists). */
export const noticeCriteriaSchema = z
  .object({
    practiceAreas: names.default([]),
    matterStatuses: z.array(z.enum(['open', 'pending', 'closed'])).max(3).default([]),
    /** A tag of the matter or of the client. */
    tags: names.default([]),
  })
  .strict()
  .refine((criteria) => criteria.practiceAreas.length + criteria.matterStatuses.length + criteria.tags.length > 0, {
    message: 'choose the clients: at least one practice area, matter status or tag',
  });
export type NoticeCriteria = z.infer<typeof noticeCriteriaSchema>;

export const createNoticeSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** The text in English and, for Spanish-speaking clients, in Spanish; a client gets English when there is no Spanish. */
    bodies: z.object({ en: noticeText, es: noticeText.optional() }).strict(),
    criteria: noticeCriteriaSchema,
    /** A survey: replies 1-5 are tallied in its report. */
    survey: z.boolean().default(false),
    /** How long after the survey a reply still counts for it. */
    surveyDays: z.number().int().min(1).max(60).default(7),
    /** Only contacts on this channel account. */
    accountId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type CreateNoticeInput = z.infer<typeof createNoticeSchema>;

export const noticeBodiesSchema = z.object({ en: z.string(), es: z.string().optional() });
export type NoticeBodies = z.infer<typeof noticeBodiesSchema>;
