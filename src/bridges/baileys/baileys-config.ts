import { z } from 'zod';

export const baileysConfigSchema = z.looseObject({
  /** Ask the phone for the full history when linking (slow on a busy number); the recent window otherwise. */
  syncFullHistory: z.boolean().optional(),
  /** Connected with no event for this long is reported; 0 turns the watch off. */
  silentAfterMs: z.number().int().min(0).optional(),
  reconnectBaseMs: z.number().int().min(1).optional(),
  reconnectMaxMs: z.number().int().min(1).optional(),
});
export type BaileysConfig = z.infer<typeof baileysConfigSchema>;

export const baileysDefaults = {
  // A linked WhatsApp number of a firm sees receipts, presence and app-state traffic all day; hours of nothing
  // usually mean a half-open socket.
  silentAfterMs: 6 * 60 * 60_000,
  reconnectBaseMs: 2_000,
  reconnectMaxMs: 5 * 60_000,
} as const;
