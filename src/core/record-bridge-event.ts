import type { Database } from '../db/prisma.js';
import type { RecordedEvent } from './bridge-events.js';
import type { CaptureBatcher } from './capture-batcher.js';
import { captureInbound } from './capture-inbound.js';
import { captureReceipt } from './capture-receipt.js';
import type { BridgeEvent } from './events.js';
import type { Keyring } from './crypto/secret-box.js';
import type { LivePublisher, WorkDispatcher } from './ports.js';

export interface RecordBridgeEventOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  live?: LivePublisher;
  event: BridgeEvent;
  onDispatchError?: (error: unknown) => void;
  keyring?: Keyring;
  /** Group commit for messages (the running server's); without it each message is committed on its own. */
  batcher?: CaptureBatcher;
}

/** The one entry point for everything a bridge reports: messages, receipts and account state. */
export async function recordBridgeEvent(options: RecordBridgeEventOptions): Promise<RecordedEvent> {
  const { event, db } = options;
  switch (event.kind) {
    case 'message': {
      if (options.batcher) {
        const [result] = await options.batcher.capture([event]);
        if (!result) throw new Error('the capture batcher returned no result');
        return { kind: 'message', messageId: result.messageId, conversationId: result.conversationId, duplicate: result.duplicate };
      }
      const result = await captureInbound({
        db,
        dispatcher: options.dispatcher,
        event,
        onDispatchError: options.onDispatchError,
        keyring: options.keyring,
      });
      return { kind: 'message', messageId: result.messageId, conversationId: result.conversationId, duplicate: result.duplicate };
    }
    case 'receipt': {
      const result = await captureReceipt({ db, event, live: options.live });
      return { kind: 'receipt', matched: result.matched };
    }
    case 'state': {
      await db.pool.query(
        `UPDATE "ChannelAccount"
            SET state = $2::"AccountState", "stateReason" = $3, "qrCode" = $4,
                "lastError" = CASE WHEN $2 IN ('disconnected', 'logged_out', 'banned', 'rate_limited', 'needs_attention')
                                   THEN $3 ELSE "lastError" END
          WHERE id = $1`,
        [event.accountId, event.state, event.reason ?? null, event.qrCode ?? null],
      );
      return { kind: 'state' };
    }
  }
}
