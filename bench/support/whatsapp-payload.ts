import { createHmac } from 'node:crypto';
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
  return Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550199999', phone_number_id: account.phoneNumberId },
                contacts: [{ profile: { name: message.name }, wa_id: message.waId }],
                messages: [{ from: message.waId, id: message.id, timestamp: String(message.timestamp), type: 'text', text: { body: message.text } }],
              },
            },
          ],
        },
      ],
    }),
  );
}

export const signature = (body: Buffer, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The signed POST, built ahead of time so the generator spends nothing on it while the clock runs. */
export function signedWebhook(account: WhatsAppAccount, message: InboundText): LoadRequest {
  const body = webhookBody(account, message);
  return {
    path: `/webhooks/whatsapp-cloud/${account.accountId}`,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(body, account.appSecret) },
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
