// The fields of each channel's settings as the admin's forms show them (labelled, hinted, checked in the browser as
// the server checks them); secrets are typed, never shown back.

export type Kind = 'whatsapp-cloud' | 'twilio' | 'signal' | 'baileys' | 'whatsapp-web' | 'simulator';

export const randomToken = () => Array.from(crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16).padStart(2, '0')).join('');

export interface Field {
  key: string;
  label: string;
  hint?: string;
  secret?: boolean;
  optional?: boolean;
  pattern?: string;
}
export const fieldsOf: Record<Kind, Field[]> = {
  'whatsapp-cloud': [
    { key: 'phoneNumberId', label: 'Phone number ID', hint: 'WhatsApp Manager › Phone numbers: the number’s ID (digits)', pattern: '\\d{1,32}' },
    { key: 'accessToken', label: 'Access token', hint: 'A system user’s permanent token with whatsapp_business_messaging', secret: true },
    { key: 'appSecret', label: 'App secret', hint: 'App settings › Basic › App secret: webhooks are checked against it', secret: true },
    { key: 'graphApiVersion', label: 'Graph API version (optional)', hint: 'Like v26.0; empty: the version this release uses', optional: true, pattern: 'v\\d{1,3}\\.\\d' },
  ],
  twilio: [
    { key: 'accountSid', label: 'Account SID', hint: 'Twilio Console › Account info (AC + 32 characters)', pattern: 'AC[0-9a-fA-F]{32}' },
    { key: 'authToken', label: 'Auth token', hint: 'Twilio Console › Account info', secret: true },
    { key: 'phoneNumber', label: 'The firm’s number', hint: 'In E.164, like +15551230000 (or whatsapp:+… for WhatsApp through Twilio)' },
    { key: 'publicUrl', label: 'Public webhook URL (optional)', hint: 'Only behind a proxy that changes the address: the URL exactly as entered in Twilio', optional: true },
  ],
  signal: [
    { key: 'number', label: 'The firm’s Signal number', hint: 'As registered in signal-cli, like +15551230000', pattern: '\\+\\d{6,15}' },
    { key: 'rpc', label: 'signal-cli daemon address', hint: 'tcp://host:port or unix:/path/to/socket of signal-cli daemon --jsonrpc' },
  ],
  baileys: [],
  'whatsapp-web': [],
  simulator: [],
};

