import type pg from 'pg';
import { defaultTemplate } from './default-templates.js';
import type { TemplateKind, TemplateLanguage } from './template-kinds.js';

/** The firm's own text for a template, else Matterline's default in that language. */
export async function loadTemplate(
  client: pg.ClientBase,
  firmId: string,
  kind: TemplateKind,
  language: TemplateLanguage,
): Promise<string> {
  const found = await client.query<{ body: string }>(
    `SELECT body FROM "Template" WHERE "firmId" = $1 AND kind = $2 AND language = $3`,
    [firmId, kind, language],
  );
  return found.rows[0]?.body ?? defaultTemplate(kind, language);
}
