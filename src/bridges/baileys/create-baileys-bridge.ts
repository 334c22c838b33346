import type { BridgeConstructor } from '../bridge-factories.js';
import { lazyBridge } from '../socket/lazy-bridge.js';

/**
 * The entry for bridges/bridge-factories.ts. Baileys takes about a second to load, so it is imported only when an
 * account of this kind starts, not by every Matterline process.
 */
export const createBaileysBridge: BridgeConstructor = (context, dependencies) =>
  lazyBridge({
    kind: 'baileys',
    capabilities: { media: true, receipts: true, idempotentSends: false, edits: true },
    context,
    async load() {
      if (!dependencies.credentials) return { missing: 'a credential store (set MATTERLINE_SECRET_KEY so WhatsApp keys are kept encrypted)' };
      const [{ BaileysBridge }, { makeBaileysSocket }] = await Promise.all([import('./baileys-bridge.js'), import('./baileys-socket.js')]);
      return new BaileysBridge(context, {
        credentials: dependencies.credentials(context.accountId),
        pool: dependencies.pool,
        makeSocket: makeBaileysSocket,
      });
    },
  });
