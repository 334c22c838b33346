import { z } from 'zod';

/**
 * A message template the provider approved (WhatsApp Business): the only kind of message that may start a
 * conversation or go out after the 24-hour window closed. The firm lists its approved templates in the account's
 * config; `text` is the body as approved, kept in the record as what was sent.
 */
export const approvedTemplateSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'the template name as approved (lower case, digits and _)'),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as en_US or es'),
    text: z.string().min(1).max(1024),
  })
  .strict();
export type ApprovedTemplate = z.infer<typeof approvedTemplateSchema>;

/** The approved templates listed in an account's config (invalid entries are ignored: they cannot be sent). */
export function approvedTemplatesOf(config: Record<string, unknown>): ApprovedTemplate[] {
  const listed = Array.isArray(config.approvedTemplates) ? config.approvedTemplates : [];
  return listed.flatMap((item) => {
    const parsed = approvedTemplateSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}
