import type { ChannelKindName } from '../bridge-events.js';

/**
 * How fast a notice goes out on one channel account: at most `max` messages per `duration` ms, for the whole account
 * (BullMQ's rate limiter on the account's notice queue, shared by every worker process). Within what each channel
 * tolerates for messages the firm starts: the WhatsApp Cloud API takes tens per second; a Twilio long code sends one
 * segment a second; a linked phone (Baileys, WhatsApp Web, Signal) that sends in bursts risks a ban, so it goes
 * slowly; the simulator fast enough for tests to see the limit.
 */
export const noticeRates: Readonly<Record<ChannelKindName, { max: number; duration: number }>> = {
  simulator: { max: 5, duration: 1000 },
  whatsapp_cloud: { max: 20, duration: 1000 },
  twilio: { max: 1, duration: 1000 },
  signal: { max: 1, duration: 3000 },
  baileys: { max: 1, duration: 5000 },
  whatsapp_web: { max: 1, duration: 5000 },
};
