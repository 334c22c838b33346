import { hubSignature } from '../../../src/bridges/whatsapp-cloud/hub-signature.js';
import { whatsappTextPayload } from '../../support/whatsapp-cloud-webhook.js';
import { whatsappAccount } from './fault-rig.js';

// Clients texting the firm's WhatsApp Cloud number, as Meta delivers it: one signed webhook per message. A message
// whose POST got no 2xx (refused, reset, timed out, 5xx) is not acknowledged; Meta would deliver it again later, and
// so does retryUntilAcknowledged().

export interface PlannedMessage {
  index: number;
  id: string;
  /** The sender's wa_id (digits). */
  waId: string;
  body: string;
  signature: string;
}

export function planMessages(options: { total: number; senders: number; tag: string }): { messages: PlannedMessage[]; senders: string[] } {
  const senders = Array.from({ length: options.senders }, (_, i) => `1555${options.tag}${String(i).padStart(4, '0')}`);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const messages = Array.from({ length: options.total }, (_, index) => {
    const waId = senders[index % senders.length]!;
    const id = `wamid.fault-${options.tag}-${index}`;
    const body = JSON.stringify(
      whatsappTextPayload({
        phoneNumberId: whatsappAccount.phoneNumberId,
        waId,
        name: `Client ${waId}`,
        id,
        text: `Question ${index} about the lease documents`,
        timestamp,
      }),
    );
    const signature = hubSignature(body, whatsappAccount.appSecret);
    return { index, id, waId, body, signature };
  });
  return { messages, senders };
}

export interface TrafficOptions {
  url(): string;
  concurrency?: number;
  timeoutMs?: number;
  /** A sender that met an error waits this long before its next message, as a client would not hammer. */
  pauseAfterErrorMs?: number;
}

export class WebhookTraffic {
  /** Messages that got a 2xx at least once. */
  readonly acknowledged = new Set<number>();
  /** Every answer each message got: an HTTP status, or 0 for no answer. */
  readonly answers = new Map<number, number[]>();
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly pauseAfterErrorMs: number;

  constructor(
    readonly messages: PlannedMessage[],
    private readonly options: TrafficOptions,
  ) {
    this.concurrency = options.concurrency ?? 10;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pauseAfterErrorMs = options.pauseAfterErrorMs ?? 200;
  }

  /** Sends one message once; true on a 2xx. */
  async deliver(message: PlannedMessage): Promise<boolean> {
    let status = 0;
    try {
      const response = await fetch(`${this.options.url()}/webhooks/whatsapp-cloud/${whatsappAccount.accountId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': message.signature },
        body: message.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    this.answers.set(message.index, [...(this.answers.get(message.index) ?? []), status]);
    const ok = status >= 200 && status < 300;
    if (ok) this.acknowledged.add(message.index);
    return ok;
  }

  /** Every message once, `concurrency` senders at a time. */
  async run(): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: this.concurrency }, async () => {
        while (next < this.messages.length) {
          const message = this.messages[next++]!;
          if (!(await this.deliver(message))) await new Promise((resolve) => setTimeout(resolve, this.pauseAfterErrorMs));
        }
      }),
    );
  }

  get unacknowledged(): PlannedMessage[] {
    return this.messages.filter((message) => !this.acknowledged.has(message.index));
  }

  /** Messages that got something other than a 2xx at least once (before any retry succeeded). */
  get everRefused(): PlannedMessage[] {
    return this.messages.filter((message) => (this.answers.get(message.index) ?? []).some((status) => status < 200 || status >= 300));
  }

  /** Delivers every unacknowledged message again until each gets a 2xx, as Meta's retries would. */
  async retryUntilAcknowledged(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.unacknowledged.length > 0) {
      if (Date.now() > deadline) {
        const last = new Map<number, number>();
        for (const message of this.unacknowledged) {
          const status = this.answers.get(message.index)?.at(-1) ?? -1;
          last.set(status, (last.get(status) ?? 0) + 1);
        }
        const summary = [...last].map(([status, n]) => `${n} x ${status === 0 ? 'no answer' : `HTTP ${status}`}`).join(', ');
        throw new Error(`${this.unacknowledged.length} messages still refused after ${timeoutMs} ms of retries (last answers: ${summary})`);
      }
      const pending = this.unacknowledged;
      let next = 0;
      await Promise.all(
        Array.from({ length: this.concurrency }, async () => {
          while (next < pending.length) await this.deliver(pending[next++]!);
        }),
      );
      if (this.unacknowledged.length > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
