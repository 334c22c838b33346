import { z } from 'zod';

// The Cloud API webhook as Meta documents it (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components).
// The envelope is validated strictly enough that nothing half-formed is stored (a 400 instead); each message's
// type-specific part is validated on its own, and a part that does not match is kept raw as 'unsupported' rather
// than refused, because Meta adds types and fields over time. Objects are loose: unknown fields stay in the record.

/** Unix seconds, as Meta sends them (a string, occasionally a number). */
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/, 'unix seconds'), z.number().int().min(0).max(999_999_999_999)]);
const providerId = z.string().min(1).max(512);

export const contextSchema = z.looseObject({
  id: providerId.optional(),
  from: z.string().max(256).optional(),
  forwarded: z.boolean().optional(),
});

export const inboundMessageSchema = z.looseObject({
  id: providerId,
  from: z.string().min(1).max(256),
  timestamp: unixSeconds,
  type: z.string().min(1).max(64),
  context: contextSchema.optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export const statusSchema = z.looseObject({
  id: providerId,
  status: z.string().min(1).max(64),
  timestamp: unixSeconds,
  recipient_id: z.string().max(256).optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.union([z.number(), z.string().max(64)]).optional(),
        title: z.string().max(2000).optional(),
        message: z.string().max(2000).optional(),
        error_data: z.looseObject({ details: z.string().max(4000).optional() }).optional(),
      }),
    )
    .max(100)
    .optional(),
});
export type Status = z.infer<typeof statusSchema>;

export const messagesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({
    display_phone_number: z.string().max(64).optional(),
    phone_number_id: z.string().min(1).max(64),
  }),
  contacts: z
    .array(
      z.looseObject({
        wa_id: z.string().min(1).max(256).optional(),
        profile: z.looseObject({ name: z.string().max(1000).optional() }).optional(),
      }),
    )
    .max(1000)
    .optional(),
  messages: z.array(inboundMessageSchema).max(1000).optional(),
  statuses: z.array(statusSchema).max(1000).optional(),
});
export type MessagesValue = z.infer<typeof messagesValueSchema>;

export const webhookPayloadSchema = z.looseObject({
  object: z.string().min(1).max(100),
  entry: z
    .array(
      z.looseObject({
        id: z.string().max(256).optional(),
        changes: z
          .array(z.looseObject({ field: z.string().min(1).max(100), value: z.unknown() }))
          .max(1000),
      }),
    )
    .min(1)
    .max(1000),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

// The type-specific parts of a message.

const caption = z.string().max(100_000).optional();

export const mediaPartSchema = z.looseObject({
  id: z.string().min(1).max(512),
  mime_type: z.string().min(1).max(255).optional(),
  sha256: z.string().max(512).optional(),
  caption,
  filename: z.string().max(1000).optional(),
  url: z.string().max(4096).optional(),
});

export const textPartSchema = z.looseObject({ body: z.string() });

export const reactionPartSchema = z.looseObject({ message_id: providerId, emoji: z.string().max(64).optional() });

export const locationPartSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().max(1000).optional(),
  address: z.string().max(2000).optional(),
});

export const contactsPartSchema = z
  .array(
    z.looseObject({
      name: z.looseObject({ formatted_name: z.string().max(1000).optional() }).optional(),
      phones: z.array(z.looseObject({ phone: z.string().max(256).optional() })).max(100).optional(),
    }),
  )
  .max(100);

export const interactivePartSchema = z.looseObject({
  type: z.string().max(64),
  button_reply: z.looseObject({ id: z.string().max(1000).optional(), title: z.string().max(1000) }).optional(),
  list_reply: z
    .looseObject({ id: z.string().max(1000).optional(), title: z.string().max(1000), description: z.string().max(2000).optional() })
    .optional(),
  nfm_reply: z.looseObject({ body: z.string().max(100_000).optional() }).optional(),
});

export const buttonPartSchema = z.looseObject({ text: z.string().max(1000), payload: z.string().max(4000).optional() });

export const systemPartSchema = z.looseObject({ body: z.string().max(100_000).optional() });
