import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { asAccountId, asProviderMessageId } from '../../core/ids.js';
import type { MediaRef } from '../../core/events.js';
import type { Bridge, BridgeContext, OutboundMessage } from '../bridge.js';

export interface SimulatorOptions {
  pool: pg.Pool;
  /** Delay before the pretend phone reports delivered; read follows after as long again. 0 turns receipts off. */
  receiptMs: number;
}

export interface SimulatedInbound {
  from: string;
  text?: string;
  id?: string;
  name?: string;
  media?: MediaRef[];
  sentAt?: Date;
  backfilled?: boolean;
}

/**
 * A channel with pretend phones, for demos and tests: a person plays a client through HTTP, and what the firm sends
 * lands in the phone's inbox (a table), which answers with delivered and read receipts like a real handset.
 */
export class SimulatorBridge implements Bridge {
  readonly kind = 'simulator' as const;
  readonly capabilities = { media: true, receipts: true, idempotentSends: true, edits: false };
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly context: BridgeContext,
    private readonly options: SimulatorOptions,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.context.emit({ kind: 'state', accountId: asAccountId(this.context.accountId), state: 'connected' });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A client's phone sends a message to the firm. Resolves after capture. */
  async receive(message: SimulatedInbound) {
    const kind = message.media?.[0] ? mediaKind(message.media[0].mimeType) : 'text';
    return this.context.emit({
      kind: 'message',
      accountId: asAccountId(this.context.accountId),
      providerMessageId: asProviderMessageId(message.id ?? `sim-${randomUUID()}`),
      direction: 'inbound',
      chat: { externalId: message.from, kind: 'direct' },
      contact: { address: message.from, ...(message.name ? { name: message.name } : {}) },
      messageKind: kind,
      text: message.text,
      sentAt: message.sentAt ?? new Date(),
      media: message.media,
      backfilled: message.backfilled,
      raw: { simulator: { ...message, media: message.media?.map(({ data: _data, ...rest }) => rest) } },
    });
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const inserted = await this.options.pool.query<{ providerMessageId: string }>(
      `INSERT INTO "SimulatorPhoneMessage" (id, "accountId", address, "clientMessageId", "providerMessageId", text, media)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("accountId", "clientMessageId") DO NOTHING
       RETURNING "providerMessageId"`,
      [
        randomUUID(),
        this.context.accountId,
        message.to,
        message.clientMessageId,
        `simout-${randomUUID()}`,
        message.text ?? null,
        // What the pretend phone shows of a file: its name, type, size and hash (the bytes stay in the record).
        message.files?.length
          ? JSON.stringify(message.files.map((file) => ({ fileName: file.fileName, mimeType: file.mimeType, size: file.data.length, sha256: createHash('sha256').update(file.data).digest('hex') })))
          : null,
      ],
    );
    const providerMessageId =
      inserted.rows[0]?.providerMessageId ??
      (
        await this.options.pool.query<{ providerMessageId: string }>(
          `SELECT "providerMessageId" FROM "SimulatorPhoneMessage" WHERE "accountId" = $1 AND "clientMessageId" = $2`,
          [this.context.accountId, message.clientMessageId],
        )
      ).rows[0]!.providerMessageId;
    if (inserted.rows[0] && this.options.receiptMs > 0) this.scheduleReceipts(providerMessageId);
    return { providerMessageId };
  }

  private scheduleReceipts(providerMessageId: string): void {
    const step = (status: 'delivered' | 'read', delayMs: number, attempt = 0) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.stopped) return;
        void this.deliverReceipt(providerMessageId, status).then((matched) => {
          // The firm's side may not have recorded the provider id yet (its commit follows our reply): try again.
          if (!matched && attempt < 20) step(status, delayMs, attempt + 1);
          else if (status === 'delivered') step('read', this.options.receiptMs * 2);
        });
      }, delayMs);
      timer.unref();
      this.timers.add(timer);
    };
    step('delivered', this.options.receiptMs);
  }

  private async deliverReceipt(providerMessageId: string, status: 'delivered' | 'read'): Promise<boolean> {
    const column = status === 'delivered' ? '"deliveredAt"' : '"readAt"';
    try {
      await this.options.pool.query(
        `UPDATE "SimulatorPhoneMessage" SET status = $2, ${column} = now() WHERE "providerMessageId" = $1`,
        [providerMessageId, status],
      );
      const recorded = await this.context.emit({
        kind: 'receipt',
        accountId: asAccountId(this.context.accountId),
        providerMessageId: asProviderMessageId(providerMessageId),
        status,
        at: new Date(),
        raw: { simulator: { providerMessageId, status } },
      });
      return recorded.kind === 'receipt' && recorded.matched;
    } catch (error) {
      this.context.logger.warn({ err: error, providerMessageId }, 'simulator receipt not recorded');
      return false;
    }
  }
}

function mediaKind(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}
