import type pg from 'pg';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.js';
import { recordConsentChange } from '../consent/record-consent-change.js';
import { businessHoursSpecSchema } from '../hours/business-hours.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { firmBySlug } from './firm-by-slug.js';
import type { ImportProblem, ImportReport } from './read-csv.js';
import { readCsv, splitList } from './read-csv.js';

export const clientColumns = ['name', 'email', 'language', 'time_zone', 'tags', 'phone', 'account', 'consent', 'notes'] as const;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const clientRowSchema = z.object({
  name: z.string().min(1, 'a name is required').max(200),
  email: z.preprocess(blankToUndefined, z.email('not an email address').max(320).optional()),
  language: z.preprocess(blankToUndefined, z.enum(['en', 'es']).optional()),
  time_zone: z.preprocess(blankToUndefined, businessHoursSpecSchema.shape.timeZone.optional()),
  tags: z.string().optional(),
  phone: z.preprocess(blankToUndefined, z.string().regex(/^\+[1-9]\d{6,14}$/, 'a number in international form, like +15551234567').optional()),
  account: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  // Only consent the client gave outside Matterline (in writing at intake) may be imported; it is recorded as such.
  consent: z.preprocess(blankToUndefined, z.enum(['opted_in', 'unknown']).default('unknown')),
  notes: z.string().max(2000).optional(),
});

/**
 * Imports clients from CSV (columns: name, email, language, time_zone, tags (a;b), phone, account, consent, notes). Every
 * line is checked first, and nothing is written if any line is wrong: the report names each bad line and field. A
 * client already in the record (same email, or same name when there is no email) is left as it is. With dryRun
 * nothing is written either way. One transaction; audited.
 */
export async function importClients(pool: pg.Pool, options: { firm: string; csv: string; dryRun: boolean; source: string }): Promise<ImportReport> {
  const rows = readCsv(options.csv, clientColumns, ['name']);
  return withTransaction(pool, async (client) => {
    const firm = await firmBySlug(client, options.firm);
    const errors: ImportProblem[] = [];
    const report: ImportReport = { dryRun: options.dryRun, rows: [], errors, created: 0 };
    const accounts = new Set((await client.query<{ id: string }>(`SELECT id FROM "ChannelAccount" WHERE "firmId" = $1 AND "removedAt" IS NULL`, [firm.id])).rows.map((r) => r.id));
    const seen = new Map<string, number>();
    const planned: { line: number; row: z.infer<typeof clientRowSchema> }[] = [];
    for (const { line, values } of rows) {
      const parsed = clientRowSchema.safeParse(values);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) errors.push({ line, field: issue.path.join('.'), message: issue.message });
        continue;
      }
      const row = parsed.data;
      const key = row.email?.toLowerCase() ?? `name:${row.name}`;
      if (seen.has(key)) {
        errors.push({ line, field: row.email ? 'email' : 'name', message: `the same client as line ${seen.get(key)}` });
        continue;
      }
      seen.set(key, line);
      if (row.phone && !row.account) errors.push({ line, field: 'account', message: 'a phone needs the channel account it is reached on' });
      if (row.account && !accounts.has(row.account)) errors.push({ line, field: 'account', message: `no channel account "${row.account}" in this firm` });
      if (row.consent === 'opted_in' && !row.phone) errors.push({ line, field: 'consent', message: 'consent is given for a phone: add the phone' });
      if (row.phone && row.account) {
        const taken = await client.query<{ name: string | null }>(
          `SELECT cl.name FROM "ContactIdentity" i LEFT JOIN "Client" cl ON cl.id = i."clientId" WHERE i."accountId" = $1 AND i.address = $2 AND i."clientId" IS NOT NULL`,
          [row.account, row.phone],
        );
        const owner = taken.rows[0];
        if (owner && owner.name !== row.name) errors.push({ line, field: 'phone', message: `this number belongs to another client (${owner.name})` });
      }
      planned.push({ line, row });
    }
    for (const { line, row } of planned) {
      const existing = await client.query(
        row.email ? `SELECT 1 FROM "Client" WHERE "firmId" = $1 AND lower(email) = lower($2)` : `SELECT 1 FROM "Client" WHERE "firmId" = $1 AND name = $2 AND email IS NULL`,
        [firm.id, row.email ?? row.name],
      );
      report.rows.push({ line, action: existing.rowCount ? 'exists' : 'create', what: `client ${row.name}${row.phone ? ' with a phone' : ''}` });
    }
    if (errors.length > 0 || options.dryRun) return report;

    for (const { row } of planned.filter((_, index) => report.rows[index]!.action === 'create')) {
      const clientId = newId();
      await client.query(
        `INSERT INTO "Client" (id, "firmId", name, email, language, "timeZone", tags, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [clientId, firm.id, row.name, row.email ?? null, row.language ?? null, row.time_zone ?? null, splitList(row.tags), row.notes || null],
      );
      if (row.phone && row.account) {
        await client.query(
          `INSERT INTO "ContactIdentity" (id, "firmId", "accountId", address, "displayName", "clientId", language) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT ("accountId", address) DO UPDATE SET "clientId" = EXCLUDED."clientId", "displayName" = COALESCE("ContactIdentity"."displayName", EXCLUDED."displayName")`,
          [newId(), firm.id, row.account, row.phone, row.name, clientId, row.language ?? null],
        );
        if (row.consent === 'opted_in') {
          const identity = await client.query<{ id: string; consentState: 'unknown' | 'requested' | 'opted_in' | 'opted_out'; kind: string }>(
            `SELECT i.id, i."consentState", a.kind FROM "ContactIdentity" i JOIN "ChannelAccount" a ON a.id = i."accountId" WHERE i."accountId" = $1 AND i.address = $2`,
            [row.account, row.phone],
          );
          const found = identity.rows[0]!;
          // A STOP on record is never overridden by an import.
          if (found.consentState !== 'opted_out' && found.consentState !== 'opted_in') {
            await recordConsentChange(client, { identityId: found.id, from: found.consentState, to: 'opted_in', source: 'import', channel: found.kind, note: `Imported from ${options.source}: consent given outside Matterline.` });
          }
        }
      }
      report.created += 1;
    }
    await recordAudit(client, { firmId: firm.id, actorKind: 'cli', action: 'import.clients', subjectType: 'firm', subjectId: firm.id, details: { source: options.source, created: report.created, lines: rows.length } });
    return report;
  });
}
