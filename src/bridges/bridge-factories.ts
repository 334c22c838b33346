import type pg from 'pg';
import type { ChannelKindName } from '../core/bridge-events.js';
import type { CredentialStoreFactory } from '../core/credentials/credential-store.js';
import type { Bridge, BridgeContext } from './bridge.js';
import { SimulatorBridge } from './simulator/simulator-bridge.js';

/** What a bridge may be built with besides its context. */
export interface BridgeDependencies {
  pool: pg.Pool;
  simulatorReceiptMs: number;
  /**
   * Where socket bridges (Baileys, whatsapp-web.js) keep their session, encrypted; absent when this process has no
   * secret key, and those bridges then report the account needs attention instead of keeping keys in the clear.
   */
  credentials?: CredentialStoreFactory;
}

export type BridgeConstructor = (context: BridgeContext, dependencies: BridgeDependencies) => Bridge;

/** One entry per channel kind this build can run; a kind without one is reported as unavailable. */
export const bridgeFactories: Partial<Record<ChannelKindName, BridgeConstructor>> = {
  simulator: (context, dependencies) =>
    new SimulatorBridge(context, { pool: dependencies.pool, receiptMs: dependencies.simulatorReceiptMs }),
  whatsapp_cloud: (await import('./whatsapp-cloud/whatsapp-cloud-bridge.js')).createWhatsAppCloudBridge,
  twilio: (await import('./twilio/twilio-bridge.js')).createTwilioBridge,
  signal: (await import('./signal/signal-bridge.js')).createSignalBridge,
  baileys: (await import('./baileys/create-baileys-bridge.js')).createBaileysBridge,
  whatsapp_web: (await import('./whatsapp-web/create-whatsapp-web-bridge.js')).createWhatsAppWebBridge,
};
