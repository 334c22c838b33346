import type pg from 'pg';

/**
 * Serializes everything that rebuilds or reviews one person's entries on one matter (drafting after an activity,
 * edits, splits, merges), until the transaction ends: two drafts built at once from the same activities would bill
 * them twice.
 */
export async function lockPersonMatter(client: pg.ClientBase, userId: string, matterId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('matterline.time'), hashtext($1))`, [`${userId}:${matterId}`]);
}

/** One export at a time per firm: invoice numbers come from a per-firm sequence and entries are exported once. */
export async function lockFirmExport(client: pg.ClientBase, firmId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('matterline.time-export'), hashtext($1))`, [firmId]);
}
