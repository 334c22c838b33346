import type { Database } from '../../db/prisma.js';
import { AppError } from '../errors.js';
import type { BusinessHoursSpec } from './business-hours.js';
import { businessHoursSpecSchema } from './business-hours.js';

/** Sets the firm's office hours, or one channel account's own when accountId is given. */
export async function saveBusinessHours(options: {
  db: Database;
  firmId: string;
  accountId?: string | null;
  input: unknown;
}): Promise<BusinessHoursSpec> {
  const parsed = businessHoursSpecSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'hours'}: ${i.message}`).join('; '), {
      problems: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const spec = parsed.data;
  const accountId = options.accountId ?? null;
  const existing = await options.db.prisma.businessHours.findFirst({ where: { firmId: options.firmId, accountId } });
  const data = { timeZone: spec.timeZone, weekly: spec.weekly, closures: spec.closures };
  if (existing) await options.db.prisma.businessHours.update({ where: { id: existing.id }, data });
  else await options.db.prisma.businessHours.create({ data: { firmId: options.firmId, accountId, ...data } });
  return spec;
}
