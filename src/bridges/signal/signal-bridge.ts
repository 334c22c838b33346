import { hasSealedValues } from '../../core/crypto/seal-account-config.js';
import { AppError } from '../../core/errors.js';
import type { Bridge, BridgeContext, OutboundMessage } from '../bridge.js';
import { AccountStateReporter } from '../socket/account-state-reporter.js';
import { backoffDelayMs, sleep } from '../socket/backoff.js';
import { captureWithRetry } from '../socket/capture-with-retry.js';
import { ChatQueue } from '../socket/chat-queue.js';
import type { RpcNotification } from './json-rpc-connection.js';
import { JsonRpcConnection } from './json-rpc-connection.js';
import { chatKeyOf, normalizeSignalEnvelope, receivedOf } from './normalize-signal.js';
import type { SignalConfig } from './signal-config.js';
import { parseRpcAddress, signalConfigSchema, signalDefaults } from './signal-config.js';
import { judgeSendOutcome } from './signal-send-outcome.js';

/** A send to Signal: text and, optionally, files on the daemon's host (signal-cli reads them by path). */
export interface SignalOutboundMessage extends OutboundMessage {
  attachments?: string[];
}

/**
 * Signal through a signal-cli daemon (JSON-RPC over TCP or a UNIX socket). Receives in manual mode: after each
 * connect it calls subscribeReceive, and every `receive` notification is captured (in order per chat) before the
 * next one of that chat is looked at. The connection is kept up with capped, jittered backoff, and its health is
 * reported as account state.
 */
export class SignalBridge implements Bridge {
  readonly kind = 'signal' as const;
  // signal-cli's send takes no idempotency key: a send repeated after a crash reaches the client twice.
  readonly capabilities = { media: true, receipts: true, idempotentSends: false, edits: true };
  private readonly parsed: ReturnType<typeof signalConfigSchema.safeParse>;
  private readonly state: AccountStateReporter;
  private readonly queue = new ChatQueue();
  private readonly abort = new AbortController();
  private connection: JsonRpcConnection | null = null;
  private loop: Promise<void> | null = null;
  private sendsPausedReason: string | null = null;

  constructor(
    private readonly context: BridgeContext,
    private readonly options: { random?: () => number } = {},
  ) {
    this.parsed = signalConfigSchema.safeParse(context.config);
    this.state = new AccountStateReporter({
      context,
      logger: context.logger,
      silentAfterMs: this.parsed.data?.silentAfterMs ?? signalDefaults.silentAfterMs,
    });
  }

  async start(): Promise<void> {
    if (!this.parsed.success) {
      const reason = hasSealedValues(this.context.config)
        ? 'its secrets are still encrypted: this process was not given the key to open them'
        : this.parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
      await this.state.report('needs_attention', reason);
      throw new AppError('bad_request', `the Signal account cannot work: ${reason}`, { accountId: this.context.accountId });
    }
    if (this.loop) return;
    const firstAttempt = new Promise<void>((resolve) => {
      this.loop = this.keepConnected(this.parsed.data!, resolve);
    });
    await firstAttempt;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.state.stop();
    this.connection?.close('stopping');
    await this.loop;
    await this.queue.idle();
  }

  /** Whether sends are held for a person (a CAPTCHA answer), and why. */
  get pausedReason(): string | null {
    return this.sendsPausedReason;
  }

  /** A person answered Signal's challenge: sends may go again. */
  async resumeSends(): Promise<void> {
    this.sendsPausedReason = null;
    await this.state.report(this.connection?.isOpen ? 'connected' : 'disconnected');
  }

  async send(message: SignalOutboundMessage): Promise<{ providerMessageId: string }> {
    const config = this.config();
    if (this.sendsPausedReason) throw new AppError('unavailable', `sends paused: ${this.sendsPausedReason}`);
    // The record's files as RFC 2397 data URIs with signal-cli's filename parameter (its DataURI.java: the value is
    // URL-decoded), so nothing is written to the daemon's disk by Matterline.
    const attachments = [
      ...(message.attachments ?? []),
      ...(message.files ?? []).map(
        (file) => `data:${file.mimeType.split(';')[0]!.trim()};filename=${encodeURIComponent(file.fileName)};base64,${file.data.toString('base64')}`,
      ),
    ];
    const hasAttachments = attachments.length > 0;
    if (!message.text && !hasAttachments) throw new AppError('bad_request', 'a Signal message needs text or an attachment');
    const connection = this.connection;
    if (!connection?.isOpen) {
      throw new AppError('unavailable', `the signal-cli daemon is not connected${this.state.reason ? `: ${this.state.reason}` : ''}`);
    }
    const target = message.to.startsWith('group:') ? { groupId: message.to.slice('group:'.length) } : { recipient: [message.to] };
    const params = {
      ...(config.multiAccount ? { account: config.number } : {}),
      ...target,
      ...(message.text ? { message: message.text } : {}),
      ...(hasAttachments ? { attachments } : {}),
    };
    const outcome = await connection.request('send', params, config.requestTimeoutMs ?? signalDefaults.requestTimeoutMs);
    const judged = judgeSendOutcome(outcome);
    if (judged.kind === 'sent') return { providerMessageId: judged.providerMessageId };
    if (judged.kind === 'challenge') {
      this.sendsPausedReason = judged.reason;
      await this.state.report('needs_attention', judged.reason);
    }
    throw judged.error;
  }

  private async keepConnected(config: SignalConfig, firstAttemptDone: () => void): Promise<void> {
    const address = parseRpcAddress(config.rpc);
    const timeoutMs = config.requestTimeoutMs ?? signalDefaults.requestTimeoutMs;
    let attempt = 0;
    while (!this.abort.signal.aborted) {
      let closedReason: string;
      try {
        await this.state.report(this.sendsPausedReason ? 'needs_attention' : 'connecting', this.sendsPausedReason ?? undefined);
        const connection = await JsonRpcConnection.connect({
          address,
          timeoutMs: Math.min(timeoutMs, 10_000),
          logger: this.context.logger,
          onNotification: (notification) => this.onNotification(notification),
        });
        this.connection = connection;
        if (this.abort.signal.aborted) {
          connection.close('stopping');
          break;
        }
        const subscribed = await connection.request('subscribeReceive', config.multiAccount ? { account: config.number } : {}, timeoutMs);
        if (!subscribed.ok) {
          connection.close('subscribeReceive refused');
          throw new AppError('unavailable', `signal-cli refused subscribeReceive: ${subscribed.error.message}`);
        }
        attempt = 0;
        await this.state.report(this.sendsPausedReason ? 'needs_attention' : 'connected', this.sendsPausedReason ?? undefined);
        firstAttemptDone();
        closedReason = `the connection to signal-cli at ${config.rpc} was lost: ${await connection.closed}`;
      } catch (error) {
        closedReason = `the signal-cli daemon at ${config.rpc} is unreachable: ${(error as Error).message}`;
      }
      this.connection = null;
      if (this.abort.signal.aborted) break;
      const delay = backoffDelayMs(attempt++, {
        baseMs: config.reconnectBaseMs ?? signalDefaults.reconnectBaseMs,
        maxMs: config.reconnectMaxMs ?? signalDefaults.reconnectMaxMs,
        ...(this.options.random ? { random: this.options.random } : {}),
      });
      await this.state.report('disconnected', `${closedReason} (retrying in ${Math.round(delay / 1000)} s)`);
      this.context.logger.warn({ reason: closedReason, retryInMs: delay }, 'signal-cli disconnected');
      firstAttemptDone();
      await sleep(delay, this.abort.signal);
    }
    firstAttemptDone();
  }

  private onNotification(notification: RpcNotification): void {
    this.state.activity();
    if (notification.method !== 'receive') return;
    const { envelope: raw, exception } = receivedOf(notification.params);
    const config = this.config();
    // Normalizing is queued too (it reads attachment files), so a chat's events keep their order from the start.
    void this.queue.run(chatKeyOf(raw), async () => {
      let events;
      try {
        events = await normalizeSignalEnvelope(raw, {
          accountId: this.context.accountId,
          ownNumber: config.number,
          ...(config.attachmentsDir ? { attachmentsDir: config.attachmentsDir } : {}),
        }, exception);
      } catch (error) {
        this.context.logger.warn({ err: error, notification }, 'a signal-cli envelope could not be read; ignored');
        return;
      }
      for (const { event } of events) {
        await captureWithRetry({ emit: this.context.emit, event, logger: this.context.logger, signal: this.abort.signal });
      }
    });
  }

  private config(): SignalConfig {
    if (!this.parsed.success) throw new AppError('unavailable', 'the Signal account is not configured correctly');
    return this.parsed.data;
  }
}

/** The entry for bridges/bridge-factories.ts. */
export const createSignalBridge = (context: BridgeContext): SignalBridge => new SignalBridge(context);
