import type { ChannelKindName } from '../../core/bridge-events.js';
import { AppError } from '../../core/errors.js';
import { asAccountId } from '../../core/ids.js';
import type { Bridge, BridgeCapabilities, BridgeContext, OutboundMessage } from '../bridge.js';

export interface LazyBridgeOptions {
  kind: ChannelKindName;
  capabilities: BridgeCapabilities;
  context: BridgeContext;
  /** Builds the real bridge (importing its library), or says what this process lacks to run it. */
  load(): Promise<Bridge | { missing: string }>;
}

/**
 * A bridge whose library is loaded on start(): heavy WhatsApp Web clients cost every process that never runs such
 * an account nothing. What the process lacks (a credential store) is reported as account state, not a crash.
 */
export function lazyBridge(options: LazyBridgeOptions): Bridge {
  let inner: Bridge | null = null;
  let stopped = false;
  return {
    kind: options.kind,
    capabilities: options.capabilities,
    async start() {
      const loaded = await options.load();
      if ('missing' in loaded) {
        const reason = `this Matterline process has no ${loaded.missing}`;
        await options.context.emit({ kind: 'state', accountId: asAccountId(options.context.accountId), state: 'needs_attention', reason });
        throw new AppError('unavailable', reason, { accountId: options.context.accountId });
      }
      if (stopped) return;
      inner = loaded;
      await inner.start();
    },
    async stop() {
      stopped = true;
      await inner?.stop();
    },
    send(message: OutboundMessage) {
      if (!inner) return Promise.reject(new AppError('unavailable', `the ${options.kind} bridge has not started`));
      return inner.send(message);
    },
  };
}
