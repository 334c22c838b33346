import type { ChannelKindName } from '../bridge-events.js';
import { AppError } from '../errors.js';

// The longest text each channel's provider takes in one message. Twilio refuses a Body over 1,600 characters (its
// error 21617); the WhatsApp APIs take 4,096. A longer reply is refused when the lawyer sends it, with the limit in
// words, rather than failing later in the queue.
const limits: Partial<Record<ChannelKindName, { max: number; why: string }>> = {
  twilio: { max: 1600, why: 'an SMS through Twilio takes at most 1,600 characters' },
  whatsapp_cloud: { max: 4096, why: 'a WhatsApp message takes at most 4,096 characters' },
  baileys: { max: 4096, why: 'a WhatsApp message takes at most 4,096 characters' },
  whatsapp_web: { max: 4096, why: 'a WhatsApp message takes at most 4,096 characters' },
};

export const textLimitOf = (kind: ChannelKindName): number | undefined => limits[kind]?.max;

export function checkTextLength(kind: ChannelKindName, text: string | undefined): void {
  const limit = limits[kind];
  // Characters as the providers count them: UTF-16 code units are what both Twilio and Meta document.
  if (!limit || text === undefined || text.length <= limit.max) return;
  throw new AppError('bad_request', `text: ${limit.why}; this one has ${text.length}: shorten it or send it in parts`, {
    field: 'text',
    max: limit.max,
    length: text.length,
  });
}
