import type pg from 'pg';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { businessHoursSpecSchema } from '../hours/business-hours.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';

export const createFirmSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'lower-case letters, digits and -, 2 to 41 characters'),
    timeZone: businessHoursSpecSchema.shape.timeZone,
    language: z.enum(['en', 'es']).default('en'),
  })
  .strict();
export type CreateFirmInput = z.infer<typeof createFirmSchema>;

/** A new firm (the operator's command); its first admin is made with createUser. Audited as the CLI. */
export async function createFirm(pool: pg.Pool, input: CreateFirmInput): Promise<{ id: string; slug: string }> {
  return withTransaction(pool, async (client) => {
    const id = newId();
    const inserted = await client.query(
      `INSERT INTO "Firm" (id, name, slug, "timeZone", "defaultLanguage") VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING`,
      [id, input.name, input.slug, input.timeZone, input.language],
    );
    if (inserted.rowCount !== 1) throw new AppError('conflict', `a firm with the slug "${input.slug}" exists already`, { slug: input.slug });
    await recordAudit(client, { firmId: id, actorKind: 'cli', action: 'firm.created', subjectType: 'firm', subjectId: id, details: { name: input.name, slug: input.slug } });
    return { id, slug: input.slug };
  });
}
