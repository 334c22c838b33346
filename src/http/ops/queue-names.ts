import type pg from 'pg';

/** Every queue Matterline uses (before the prefix): the fixed ones and each channel account's own. */
export async function queueNames(pool: pg.Pool): Promise<string[]> {
  const accounts = await pool.query<{ id: string }>(`SELECT id FROM "ChannelAccount" WHERE "removedAt" IS NULL ORDER BY id`);
  return [
    'inbound',
    'send',
    'media',
    'reminder',
    'notice',
    'webhook',
    'retention',
    ...accounts.rows.flatMap((account) => [`send-account-${account.id}`, `notice-account-${account.id}`]),
  ];
}
