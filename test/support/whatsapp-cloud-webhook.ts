// One client's text as Meta's WhatsApp Cloud API webhook carries it (the published sample's envelope), for the
// benchmark, the fault tests and the fuzzing; sign it with hubSignature (src/bridges/whatsapp-cloud/hub-signature.ts).

export interface InboundText {
  phoneNumberId: string;
  /** The sender's wa_id: digits, no plus. */
  waId: string;
  name: string;
  id: string;
  text: string;
  /** Unix seconds, as Meta writes it (a string). */
  timestamp: string;
}

export function whatsappTextPayload(message: InboundText) {
  return whatsappWebhook(message.phoneNumberId, {
    contacts: [{ profile: { name: message.name }, wa_id: message.waId }],
    messages: [{ from: message.waId, id: message.id, timestamp: message.timestamp, type: 'text', text: { body: message.text } }],
  });
}

/** A `messages` change for the business number phoneNumberId, in the published sample's envelope. */
export function whatsappWebhook<V extends object>(phoneNumberId: string, value: V) {
  return {
    object: 'whatsapp_business_account' as const,
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages' as const,
            value: { messaging_product: 'whatsapp' as const, metadata: { display_phone_number: '15550199999', phone_number_id: phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}
