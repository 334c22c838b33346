import { z } from 'zod';

export const whatsAppWebConfigSchema = z.looseObject({
  /** The browser puppeteer drives: Debian's Chromium, never one puppeteer downloads. */
  executablePath: z.string().min(1).optional(),
  /** How often RemoteAuth zips the browser session into the store (whatsapp-web.js accepts 60 s or more). */
  backupSyncIntervalMs: z.number().int().min(60_000).optional(),
  /** Connected with no event for this long is reported; 0 turns the watch off. */
  silentAfterMs: z.number().int().min(0).optional(),
  reconnectBaseMs: z.number().int().min(1).optional(),
  reconnectMaxMs: z.number().int().min(1).optional(),
});
export type WhatsAppWebConfig = z.infer<typeof whatsAppWebConfigSchema>;

export const whatsAppWebDefaults = {
  executablePath: '/usr/bin/chromium',
  backupSyncIntervalMs: 5 * 60_000,
  silentAfterMs: 6 * 60 * 60_000,
  reconnectBaseMs: 5_000,
  reconnectMaxMs: 5 * 60_000,
} as const;
