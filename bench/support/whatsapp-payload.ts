import { hubSignature } from '../../src/bridges/whatsapp-cloud/hub-signature.js';
import { whatsappTextPayload } from '../../test/support/whatsapp-cloud-webhook.js';
import type { LoadRequest } from './http-load.js';

// Inbound WhatsApp Cloud API webhooks as Meta sends them: one message per POST, signed with the app secret
// (X-Hub-Signature-256 over the raw body).

export interface WhatsAppAccount {
  accountId: string;
  phoneNumberId: string;
  appSecret: string;
}

export interface InboundText {
  /** The sender's wa_id: digits, no plus. */
  waId: string;
  name: string;
  id: string;
  text: string;
  /** Unix seconds. */
  timestamp: number;
}

export function webhookBody(account: WhatsAppAccount, message: InboundText): Buffer {
  const { phoneNumberId } = account;
  return Buffer.from(JSON.stringify(whatsappTextPayload({ ...message, phoneNumberId, timestamp: String(message.timestamp) })));
}

/** The signed POST, built ahead of time so the generator spends nothing on it while the clock runs. */
export function signedWebhook(account: WhatsAppAccount, message: InboundText): LoadRequest {
  const body = webhookBody(account, message);
  return {
    path: `/webhooks/whatsapp-cloud/${account.accountId}`,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body, account.appSecret) },
    body,
  };
}

const words = (
  'hello thanks lawyer hearing court date documents signed lease landlord deposit repair notice insurance claim ' +
  'accident report medical bills employer contract settlement offer deadline tomorrow morning afternoon call me ' +
  'please when can we meet office address photos attached question about invoice payment received appointment ' +
  'judge filing motion evidence witness statement copy email letter update status case number friday monday'
).split(' ');

/** A client's text of 60 to 200 characters, deterministic in its index. */
export function clientText(index: number): string {
  let seed = (index * 2654435761) >>> 0;
  const next = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed;
  };
  const length = 60 + (next() % 140);
  let text = `Message ${index}:`;
  while (text.length < length) text += ` ${words[next() % words.length]}`;
  return text;
}
