import type { Logger } from 'pino';
import type { AccountHealth } from '../../core/events.js';
import { asAccountId } from '../../core/ids.js';
import type { BridgeContext } from '../bridge.js';

export interface AccountStateReporterOptions {
  context: BridgeContext;
  /** Connected without any platform event for this long is reported (state stays connected, reason says silent). */
  silentAfterMs: number;
  logger: Logger;
}

/**
 * The account's health as a socket bridge sees it, reported to the core through emit({ kind: 'state' }). Reports
 * only changes (a reconnect loop must not write the same row every second) and watches for silence: a socket that
 * says it is connected but brings no event for a long time is often half-dead, and a person should know.
 */
export class AccountStateReporter {
  private written: Promise<void> = Promise.resolve();
  private current: { state: AccountHealth; reason?: string; qrCode?: string } | null = null;
  private silenceTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: AccountStateReporterOptions) {}

  get state(): AccountHealth | null {
    return this.current?.state ?? null;
  }

  get reason(): string | undefined {
    return this.current?.reason;
  }

  /** Reports a state; an unchanged state, reason and QR code is not reported again. Never throws. */
  async report(state: AccountHealth, reason?: string, qrCode?: string): Promise<void> {
    if (this.stopped) return;
    const same =
      this.current?.state === state && this.current.reason === reason && this.current.qrCode === qrCode;
    this.current = { state, ...(reason ? { reason } : {}), ...(qrCode ? { qrCode } : {}) };
    if (state === 'connected') this.armSilence();
    else this.disarmSilence();
    if (same) return;
    // Reports are written one after another, in the order they were made: two in quick succession ("linked", then
    // "connected") must not land out of order and leave the older state standing.
    const write = this.written.then(() => this.options.context
      .emit({
        kind: 'state',
        accountId: asAccountId(this.options.context.accountId),
        state,
        ...(reason ? { reason } : {}),
        ...(qrCode ? { qrCode } : {}),
      })
      // State is advisory: failing to record it must not break the connection that it describes.
      .catch((error: unknown) => this.options.logger.warn({ err: error, state }, 'could not record the account state'))
      .then(() => undefined));
    this.written = write;
    await write;
  }

  /** Something arrived from the platform: the connection is alive. Clears a "silent" report. */
  activity(): void {
    if (this.current?.state !== 'connected') return;
    if (this.current.reason) void this.report('connected');
    else this.armSilence();
  }

  stop(): void {
    this.stopped = true;
    this.disarmSilence();
  }

  private armSilence(): void {
    this.disarmSilence();
    if (this.stopped || this.options.silentAfterMs <= 0) return;
    this.silenceTimer = setTimeout(() => {
      const minutes = Math.round(this.options.silentAfterMs / 60_000);
      void this.report('connected', `connected but silent: no event for ${minutes >= 1 ? `${minutes} min` : `${this.options.silentAfterMs} ms`}`);
    }, this.options.silentAfterMs);
    this.silenceTimer.unref();
  }

  private disarmSilence(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }
}
