import { createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type pg from 'pg';
import type { CliContext } from '../cli.js';
import { AppError } from '../core/errors.js';
import { createKeyring } from '../core/crypto/secret-box.js';
import { blobMediaSource } from '../core/export/blob-media-source.js';
import { prepareMatterExport } from '../core/export/export-matter.js';
import type { MediaSource } from '../core/export/media-source.js';
import { firmBySlug } from '../core/setup/firm-by-slug.js';

/**
 * `matterline matter export <number>`: the matter's record as the ZIP the supervisor's export gives (transcript, full
 * record, media, manifest with hashes), made as a named user of the firm: their access decides (walls apply) and the
 * export is audited under their name.
 */
export function matterCommand(context: CliContext): Command {
  const matter = new Command('matter').description('matters: export one');
  matter
    .command('export <number>')
    .description('write a matter\'s record to a ZIP (audited as the --as user, who must be allowed to see the matter)')
    .requiredOption('--firm <slug>', 'the firm')
    .requiredOption('--as <email>', 'the user the export is made as (e.g. the supervisor who asked for it)')
    .requiredOption('--out <file>', 'where to write the ZIP')
    .action(async (number: string, options: { firm: string; as: string; out: string }) => {
      const out = path.resolve(options.out);
      if (existsSync(out)) throw new AppError('conflict', `${out} exists; choose another --out`);
      const media = await mediaSource(context);
      const manifest = await context.withDatabase(async (pool) => {
        const firm = await firmBySlug(pool, options.firm);
        const found = await pool.query<{ matterId: string | null; userId: string | null; role: 'admin' | 'supervisor' | 'lawyer' | 'staff' | null }>(
          `SELECT (SELECT id FROM "Matter" WHERE "firmId" = $1 AND number = $2) AS "matterId",
                  u.id AS "userId", u.role FROM (SELECT 1) one LEFT JOIN "User" u ON u."firmId" = $1 AND u.email = lower($3) AND u."disabledAt" IS NULL`,
          [firm.id, number, options.as],
        );
        const row = found.rows[0]!;
        if (!row.matterId) throw new AppError('not_found', `no matter ${number} in firm ${options.firm}`);
        if (!row.userId || !row.role) throw new AppError('not_found', `no active user ${options.as} in firm ${options.firm}`);
        const prepared = await prepareMatterExport({ pool, viewer: { userId: row.userId, firmId: firm.id, role: row.role }, matterId: row.matterId, media: media(pool) });
        return prepared.write(createWriteStream(out, { flags: 'wx' }));
      });
      context.output.out(`exported matter ${number} to ${out}: ${manifest.counts.messages} messages, ${manifest.counts.media} media files, ${manifest.counts.missingMedia} missing`);
    });
  return matter;
}

/** Media from the blob store when the key that sealed it is at hand (MATTERLINE_SECRET_KEY or the data folder's). */
async function mediaSource(context: CliContext): Promise<(pool: pg.Pool) => MediaSource | undefined> {
  const config = context.config();
  const file = path.join(config.dataDir, 'secret-key');
  const key = config.secretKey ?? (existsSync(file) ? Buffer.from((await readFile(file, 'utf8')).trim(), 'hex') : undefined);
  return (pool) => (key ? blobMediaSource(pool, createKeyring(key)) : undefined);
}
