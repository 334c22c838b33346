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

/** Meta's error objects: in `value.errors` (the whole webhook), a message's `errors`, a failed status's `errors`. */
export const metaErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string().max(64)]).optional(),
  title: z.string().max(2000).optional(),
  message: z.string().max(2000).optional(),
  error_data: z.looseObject({ details: z.string().max(4000).optional() }).optional(),
});
export type MetaError = z.infer<typeof metaErrorSchema>;
const metaErrors = z.array(metaErrorSchema).max(100);

/**
 * A business-scoped user id (BSUID): a two-letter country code, a dot, an optional `ENT.` for a parent id, then up to
 * 128 letters and digits. Meta sends it for every user; when the user has a username it may be the only id there is.
 */
export const bsuidPattern = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;
const bsuid = z.string().regex(bsuidPattern, 'a business-scoped user id (CC.digits)');

/**
 * One message. `from` (the phone number) is omitted for a user who adopted a username and whose number Meta does not
 * share; `from_user_id` (the BSUID) is then the sender. One of the two is needed to file the message.
 */
export const inboundMessageSchema = z
  .looseObject({
    id: providerId,
    from: z.string().min(1).max(256).optional(),
    from_user_id: bsuid.optional(),
    from_parent_user_id: bsuid.optional(),
    // A message in a WhatsApp group the number belongs to (Groups API).
    group_id: z.string().min(1).max(256).optional(),
    timestamp: unixSeconds,
    type: z.string().min(1).max(64),
    context: contextSchema.optional(),
    errors: metaErrors.optional(),
  })
  .refine((message) => message.from !== undefined || message.from_user_id !== undefined, {
    message: 'neither from nor from_user_id: no sender',
    path: ['from'],
  });
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export const statusSchema = z.looseObject({
  id: providerId,
  status: z.string().min(1).max(64),
  timestamp: unixSeconds,
  recipient_id: z.string().max(256).optional(),
  recipient_user_id: z.string().max(256).optional(),
  // Echoed from the send: Matterline's own message id, which ties the status to the message even when the send's
  // answer (the provider id) was never read.
  biz_opaque_callback_data: z.string().max(512).optional(),
  errors: metaErrors.optional(),
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
        user_id: z.string().min(1).max(256).optional(),
        profile: z.looseObject({ name: z.string().max(1000).optional(), username: z.string().max(1000).optional() }).optional(),
      }),
    )
    .max(1000)
    .optional(),
  // Each message and status is validated on its own (inboundMessageSchema, statusSchema): one that does not parse is
  // kept raw for the admin and never costs the others of the payload.
  messages: z.array(z.unknown()).max(1000).optional(),
  statuses: z.array(z.unknown()).max(1000).optional(),
  // Errors about the webhook as a whole (Meta could not deliver something to this number).
  errors: z.array(z.unknown()).max(100).optional(),
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
