import { z } from 'zod';
import { webhookEvents } from './webhook-events.js';

/** An http(s) URL; plain http only to this machine (tests, a local relay), since payloads carry client messages. */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL' })
  .max(2000)
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'https is required (plain http only to localhost)');

const eventsSchema = z
  .array(z.enum(webhookEvents))
  .min(1, 'subscribe to at least one event')
  .refine((events) => new Set(events).size === events.length, 'each event once');

export const createWebhookEndpointSchema = z
  .object({ url: webhookUrlSchema, events: eventsSchema, description: z.string().trim().max(200).optional() })
  .strict();
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z
  .object({ url: webhookUrlSchema.optional(), events: eventsSchema.optional(), description: z.string().trim().max(200).nullish(), active: z.boolean().optional() })
  .strict();
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointSchema>;
