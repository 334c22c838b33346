import type pg from 'pg';
import { liveSessionIds } from '../../core/auth/find-session.js';

/**
 * Ends the open live streams (SSE) whose session is no longer live: signed out, revoked by a password reset or a
 * disabled user, expired or idle too long. The record is the truth, wherever the change was made: every few seconds
 * one query checks the sessions of all streams this process holds, and those that failed it are closed at once.
 */
export class SessionWatch {
  private readonly streams = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs = 2_000,
  ) {}

  /** Watches one stream of a session; the returned function stops watching it (call it when the stream closes). */
  watch(sessionId: string, close: () => void): () => void {
    let closers = this.streams.get(sessionId);
    if (!closers) this.streams.set(sessionId, (closers = new Set()));
    closers.add(close);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs).unref();
    return () => {
      closers.delete(close);
      if (closers.size === 0) this.streams.delete(sessionId);
      if (this.streams.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** One check of every watched session now. */
  async check(): Promise<void> {
    if (this.checking || this.streams.size === 0) return;
    this.checking = true;
    try {
      const ids = [...this.streams.keys()];
      const live = await liveSessionIds(this.pool, ids);
      for (const id of ids) {
        if (live.has(id)) continue;
        for (const close of [...(this.streams.get(id) ?? [])]) close();
      }
    } catch {
      // The database is unreachable: try again at the next tick (the streams carry nothing new meanwhile).
    } finally {
      this.checking = false;
    }
  }
}
