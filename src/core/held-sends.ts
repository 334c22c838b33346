import type { Database } from '../db/prisma.js';
import { AppError } from './errors.js';

/** Changes the text of a message held until opening; only while it is still held. */
export async function editHeldMessage(options: { db: Database; messageId: string; text: string }): Promise<void> {
  const updated = await options.db.pool.query(
    `UPDATE "Message" SET text = $2 WHERE id = $1 AND direction = 'outbound' AND status = 'scheduled'`,
    [options.messageId, options.text],
  );
  if (updated.rowCount === 0) throw new AppError('conflict', 'only a message that is still held can be edited', { messageId: options.messageId });
}

/** Cancels a message held until opening; its send job will find it cancelled and send nothing. */
export async function cancelHeldMessage(options: { db: Database; messageId: string; reason?: string }): Promise<void> {
  const updated = await options.db.pool.query(
    `UPDATE "Message" SET status = 'cancelled', error = $2 WHERE id = $1 AND direction = 'outbound' AND status = 'scheduled'`,
    [options.messageId, options.reason ?? 'cancelled by the sender'],
  );
  if (updated.rowCount === 0) throw new AppError('conflict', 'only a message that is still held can be cancelled', { messageId: options.messageId });
}
