import { z } from 'zod';
import { approvedTemplateSchema } from '../../core/channel-rules/approved-templates.js';

/** ChannelAccount.config of kind whatsapp_cloud, secrets opened (see core/crypto/seal-account-config.ts). */
export const whatsappCloudConfigSchema = z.object({
  // Meta's ids are decimal digits; anything else is a typo that would send to the wrong URL.
  phoneNumberId: z.string().regex(/^\d{1,32}$/, 'the phone number id from the WhatsApp Manager (digits)'),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
  // The Graph API version every call names (vNN.0). Meta retires each about two years after it is released; the
  // account page warns before the configured one expires (graph-api-versions.ts).
  graphApiVersion: z.string().regex(/^v\d{1,3}\.\d$/, 'a Graph API version such as v25.0').optional(),
  // Tests and proxies point this at their own server: it replaces https://graph.facebook.com/<version> entirely.
  graphBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  // The templates Meta approved for this number, so the inbox can offer them once the 24-hour window closed.
  approvedTemplates: z.array(approvedTemplateSchema).max(200).optional(),
});
export type WhatsAppCloudConfig = z.infer<typeof whatsappCloudConfigSchema>;

/** The version used when the account names none: the current one when this release was made. */
export const defaultGraphApiVersion = 'v26.0';

/** Where the account's Graph API calls go, version included. */
export const graphBaseOf = (config: Pick<WhatsAppCloudConfig, 'graphApiVersion' | 'graphBaseUrl'>): string =>
  (config.graphBaseUrl ?? `https://graph.facebook.com/${config.graphApiVersion ?? defaultGraphApiVersion}`).replace(/\/+$/, '');
