import { z } from 'zod';
import type { Database } from '../../db/prisma.js';
import { AppError } from '../errors.js';
import { templateKinds, templateLanguages } from './template-kinds.js';
import { validateTemplate } from './validate-template.js';

export const saveTemplateSchema = z.object({
  kind: z.enum(templateKinds),
  language: z.enum(templateLanguages),
  body: z.string().trim().min(1, 'the text may not be empty').max(1000, 'at most 1000 characters'),
});
export type SaveTemplateInput = z.infer<typeof saveTemplateSchema>;

/**
 * The admin's own text for a client-facing template. Variables are checked when saved: an unknown one is a 400
 * naming it, so a typo never reaches a client as "{frim}". A consent request must still tell the client how to say
 * yes and how to stop.
 */
export async function saveTemplate(options: { db: Database; firmId: string; userId: string; input: unknown }): Promise<SaveTemplateInput> {
  const parsed = saveTemplateSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const { kind, language, body } = parsed.data;
  const unknown = validateTemplate(kind, body);
  if (unknown.length > 0) {
    throw new AppError('bad_request', `unknown template variables: ${unknown.map((v) => `{${v}}`).join(', ')}`, {
      unknownVariables: unknown,
    });
  }
  if (kind === 'consent_request' && !/\bSTOP\b/.test(body)) {
    throw new AppError('bad_request', 'a consent request must tell the client to reply STOP to opt out');
  }
  await options.db.prisma.template.upsert({
    where: { firmId_kind_language: { firmId: options.firmId, kind, language } },
    create: { firmId: options.firmId, kind, language, body, updatedById: options.userId },
    update: { body, updatedById: options.userId },
  });
  return parsed.data;
}
