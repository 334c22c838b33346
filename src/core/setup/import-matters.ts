import type pg from 'pg';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { firmBySlug } from './firm-by-slug.js';
import type { ImportProblem, ImportReport } from './read-csv.js';
import { readCsv, splitList } from './read-csv.js';

export const matterColumns = ['number', 'title', 'client', 'practice_area', 'status', 'tags', 'responsible', 'members'] as const;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const matterRowSchema = z.object({
  number: z.string().min(1, 'a matter number is required').max(50),
  title: z.string().min(1, 'a title is required').max(300),
  // The client's email, or their exact name.
  client: z.string().min(1, 'the client (email or name) is required').max(320),
  practice_area: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  status: z.preprocess(blankToUndefined, z.enum(['open', 'pending', 'closed']).default('open')),
  tags: z.string().optional(),
  responsible: z.preprocess(blankToUndefined, z.email('not an email address').optional()),
  members: z.string().optional(),
});

/**
 * Imports matters from CSV (columns: number, title, client, practice_area, status, tags (a;b), responsible, members
 * (emails a;b)). The client must already be in the record (import clients first); people are named by email. All
 * lines are checked before anything is written; nothing is written if any line is wrong. A matter number already in
 * the record is left as it is. One transaction; audited.
 */
export async function importMatters(pool: pg.Pool, options: { firm: string; csv: string; dryRun: boolean; source: string }): Promise<ImportReport> {
  const rows = readCsv(options.csv, matterColumns, ['number', 'title', 'client']);
  return withTransaction(pool, async (client) => {
    const firm = await firmBySlug(client, options.firm);
    const errors: ImportProblem[] = [];
    const report: ImportReport = { dryRun: options.dryRun, rows: [], errors, created: 0 };
    const users = new Map((await client.query<{ id: string; email: string }>(`SELECT id, email FROM "User" WHERE "firmId" = $1 AND "disabledAt" IS NULL`, [firm.id])).rows.map((u) => [u.email, u.id]));
    const numbers = new Map<string, number>();
    const planned: { clientId: string; memberIds: string[]; responsibleId: string | null; row: z.infer<typeof matterRowSchema> }[] = [];
    for (const { line, values } of rows) {
      const parsed = matterRowSchema.safeParse(values);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) errors.push({ line, field: issue.path.join('.'), message: issue.message });
        continue;
      }
      const row = parsed.data;
      const problems: ImportProblem[] = [];
      if (numbers.has(row.number)) problems.push({ line, field: 'number', message: `the same matter number as line ${numbers.get(row.number)}` });
      numbers.set(row.number, line);
      const clients = await client.query<{ id: string }>(
        `SELECT id FROM "Client" WHERE "firmId" = $1 AND (lower(email) = lower($2) OR name = $2) LIMIT 2`,
        [firm.id, row.client],
      );
      if (clients.rowCount === 0) problems.push({ line, field: 'client', message: `no client "${row.client}" in the record (import clients first)` });
      if (clients.rowCount === 2) problems.push({ line, field: 'client', message: `"${row.client}" names more than one client; use the email` });
      const people = [...new Set([...(row.responsible ? [row.responsible] : []), ...splitList(row.members)].map((email) => email.toLowerCase()))];
      for (const email of people) if (!users.has(email)) problems.push({ line, field: 'members', message: `no user ${email} in this firm` });
      errors.push(...problems);
      if (problems.length > 0) continue;
      const exists = await client.query(`SELECT 1 FROM "Matter" WHERE "firmId" = $1 AND number = $2`, [firm.id, row.number]);
      report.rows.push({ line, action: exists.rowCount ? 'exists' : 'create', what: `matter ${row.number} ${row.title}` });
      if (!exists.rowCount) {
        planned.push({
          clientId: clients.rows[0]!.id,
          memberIds: people.map((email) => users.get(email)!),
          responsibleId: row.responsible ? users.get(row.responsible.toLowerCase())! : null,
          row,
        });
      }
    }
    if (errors.length > 0 || options.dryRun) return report;

    for (const { clientId, memberIds, responsibleId, row } of planned) {
      const matterId = newId();
      await client.query(
        `INSERT INTO "Matter" (id, "firmId", "clientId", number, title, "practiceArea", status, tags, "closedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7::"MatterStatus", $8, CASE WHEN $7 = 'closed' THEN now() END)`,
        [matterId, firm.id, clientId, row.number, row.title, row.practice_area ?? null, row.status, splitList(row.tags)],
      );
      for (const userId of memberIds) {
        await client.query(`INSERT INTO "MatterMember" ("matterId", "userId", role) VALUES ($1, $2, $3)`, [matterId, userId, userId === responsibleId ? 'responsible' : 'member']);
      }
      report.created += 1;
    }
    await recordAudit(client, { firmId: firm.id, actorKind: 'cli', action: 'import.matters', subjectType: 'firm', subjectId: firm.id, details: { source: options.source, created: report.created, lines: rows.length } });
    return report;
  });
}
