import { z } from 'zod';
import { approvedTemplateSchema } from '../../core/channel-rules/approved-templates.js';

/** ChannelAccount.config of kind whatsapp_cloud, secrets opened (see core/crypto/seal-account-config.ts). */
export const whatsappCloudConfigSchema = z.object({
  // Meta's ids are decimal digits; anything else is a typo that would send to the wrong URL.
  phoneNumberId: z.string().regex(/^\d{1,32}$/, 'the phone number id from the WhatsApp Manager (digits)'),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
  // Tests and proxies point this at their own server; it includes the API version.
  graphBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  // The templates Meta approved for this number, so the inbox can offer them once the 24-hour window closed.
  approvedTemplates: z.array(approvedTemplateSchema).max(200).optional(),
});
export type WhatsAppCloudConfig = z.infer<typeof whatsappCloudConfigSchema>;

export const defaultGraphBaseUrl = 'https://graph.facebook.com/v21.0';
