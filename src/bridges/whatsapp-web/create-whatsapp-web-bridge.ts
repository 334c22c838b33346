import type { BridgeConstructor } from '../bridge-factories.js';
import { lazyBridge } from '../socket/lazy-bridge.js';

/** The entry for bridges/bridge-factories.ts: whatsapp-web.js (and puppeteer) load only when such an account starts. */
export const createWhatsAppWebBridge: BridgeConstructor = (context, dependencies) =>
  lazyBridge({
    kind: 'whatsapp_web',
    capabilities: { media: true, receipts: true, idempotentSends: false, edits: true },
    context,
    async load() {
      if (!dependencies.credentials) return { missing: 'a credential store (set MATTERLINE_SECRET_KEY so the WhatsApp Web session is kept encrypted)' };
      const [{ WhatsAppWebBridge }, { makeWhatsAppWebClient }] = await Promise.all([
        import('./whatsapp-web-bridge.js'),
        import('./whatsapp-web-client.js'),
      ]);
      return new WhatsAppWebBridge(context, {
        credentials: dependencies.credentials(context.accountId),
        pool: dependencies.pool,
        makeClient: makeWhatsAppWebClient,
      });
    },
  });
