import type { Logger } from 'pino';
import type { BridgeEvent, RecordedEvent } from '../../core/bridge-events.js';
import { backoffDelayMs, sleep } from './backoff.js';

export interface CaptureWithRetryOptions {
  emit(event: BridgeEvent): Promise<RecordedEvent>;
  event: BridgeEvent;
  logger: Logger;
  /** Aborted by stop(): the event is then given up (logged), since the process is going away. */
  signal: AbortSignal;
  baseMs?: number;
  maxMs?: number;
}

/**
 * Hands an event to the core and keeps trying until it is recorded. Socket libraries (Baileys, whatsapp-web.js)
 * have already acknowledged the message to WhatsApp when they hand it to us, so there is no redelivery to fall back
 * on: while this process lives, the event is retried (the chat's later events wait behind it, keeping order).
 * Resolves null only when stopped first.
 */
export async function captureWithRetry(options: CaptureWithRetryOptions): Promise<RecordedEvent | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await options.emit(options.event);
    } catch (error) {
      const delay = backoffDelayMs(attempt, { baseMs: options.baseMs ?? 250, maxMs: options.maxMs ?? 30_000 });
      options.logger.error(
        { err: error, attempt, retryInMs: delay, event: describe(options.event) },
        'recording an event failed; retrying',
      );
      if (!(await sleep(delay, options.signal))) {
        options.logger.error({ event: describe(options.event) }, 'stopped before the event could be recorded');
        return null;
      }
    }
  }
}

const describe = (event: BridgeEvent) =>
  event.kind === 'state' ? { kind: event.kind, state: event.state } : { kind: event.kind, providerMessageId: event.providerMessageId };
