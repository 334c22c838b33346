import express, { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AccountReportInput } from '../../core/accounts/account-reports.js';
import type { BridgeEvent, RecordedEvent } from '../../core/bridge-events.js';
import { findUnstorableText } from '../../core/channel-rules/unstorable-text.js';
import type { FastPath } from '../../http/fast-webhook.js';
import { fastWebhook } from '../../http/fast-webhook.js';
import { decodeStrictUtf8 } from '../../http/strict-utf8.js';
import { AppError } from '../../core/errors.js';
import type { BridgeRegistry } from '../bridge-registry.js';
import { WhatsAppCloudBridge } from './whatsapp-cloud-bridge.js';
import { webhookPayloadSchema } from './whatsapp-cloud-payload.js';

// Meta's webhook for one WhatsApp Cloud account. Meta retries anything but a 200 for up to 7 days, so a 200 is
// given only once every event of the payload is in the record, and any failure to record is a 5xx. Replays are
// harmless: capture is idempotent by the provider's message id.

export interface WhatsAppCloudRoutesOptions {
  registry: BridgeRegistry;
  /** Records one event, resolving once it is committed. */
  record(event: BridgeEvent): Promise<RecordedEvent>;
  /** Stores what Meta said that is not a message or receipt, for the account's admin. */
  report(reports: AccountReportInput[]): Promise<unknown>;
  logger: Logger;
}

const paramsSchema = z.object({ accountId: z.string().min(1).max(200) });
const subscriptionSchema = z.object({
  'hub.mode': z.string().max(100),
  'hub.verify_token': z.string().max(1000),
  // Meta sends a number; anything else is not echoed back into a response.
  'hub.challenge': z.string().regex(/^[\w.-]{1,200}$/),
});

/** Meta's payloads are small; a megabyte leaves room for a batch while refusing floods early. */
const bodyLimit = '1mb';

/** The 200's body: how many events were recorded, how many statuses named no message in the record, how many parts were kept for the admin. */
export interface WebhookAnswer {
  recorded: number;
  unmatched: number;
  reported: number;
}

/** The path of a signed webhook as Meta posts it; other spellings (case, a trailing slash, escapes) go through Express. */
const fastPathPattern = /^\/webhooks\/whatsapp-cloud\/([\w.-]{1,200})(?:\?|$)/;

/**
 * The account's routes (the subscription handshake and the webhook), and the same webhook as a fast path the server
 * tries before Express (http/fast-webhook.ts): both answer through one `receive`.
 */
export function whatsappCloudRoutes(options: WhatsAppCloudRoutesOptions): { router: Router; fastPath: FastPath } {
  const router = Router();

  const bridgeFor = async (accountId: string): Promise<WhatsAppCloudBridge> => {
    const bridge = await options.registry.get(accountId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') throw error;
      // A misconfigured or unavailable account: Meta should retry once the firm has fixed it.
      throw new AppError('unavailable', `account "${accountId}" cannot take webhooks now`, { accountId }, { cause: error });
    });
    if (!(bridge instanceof WhatsAppCloudBridge)) {
      throw new AppError('not_found', `no WhatsApp Cloud account "${accountId}"`, { accountId });
    }
    return bridge;
  };

  router.get('/webhooks/whatsapp-cloud/:accountId', async (req, res) => {
    const { accountId } = paramsSchema.parse(req.params);
    const bridge = await bridgeFor(accountId);
    const query = subscriptionSchema.safeParse(req.query);
    if (!query.success || !bridge.verifySubscription(query.data['hub.mode'], query.data['hub.verify_token'])) {
      throw new AppError('forbidden', 'the verify token does not match this account');
    }
    res.status(200).type('text/plain').setHeader('x-content-type-options', 'nosniff').send(query.data['hub.challenge']);
  });

  /** One signed webhook: checked, parsed and recorded; resolves with the 200's body once every event is committed. */
  const receive = async (accountId: string, raw: Buffer, signature: string | undefined): Promise<WebhookAnswer> => {
    const bridge = await bridgeFor(accountId);
    // The signature is checked on the bytes as they arrived, before anything is parsed.
    if (!bridge.verifySignature(raw, signature)) {
      throw new AppError('bad_signature', 'X-Hub-Signature-256 is missing or does not match the app secret');
    }
    const payload = parsePayload(raw);
    // Another number of the same Meta app arrives here when the app's webhook points at this account: its events go
    // to the account that owns it. Looked up only when the payload names a number other than this account's.
    const foreign = payload.entry.some((entry) =>
      entry.changes.some((change) => {
        const id = (change.value as { metadata?: { phone_number_id?: unknown } } | null)?.metadata?.phone_number_id;
        return typeof id === 'string' && id !== bridge.phoneNumberId;
      }),
    );
    const numbers = foreign ? await options.registry.whatsappCloudNumbers(accountId, bridge.appSecret) : new Map<string, string>();
    const normalized = bridge.normalize(payload, numbers);
    if (!normalized.ok) throw new AppError('bad_request', `the webhook payload is malformed: ${normalized.problem}`);
    for (const skipped of normalized.skipped) options.logger.info({ accountId, ...skipped }, 'webhook part not for the record');

    let unmatched = 0;
    // In payload order: a chat's messages are recorded in the order Meta listed them.
    for (const event of normalized.events) {
      const recorded = await options.record(event).catch((error: unknown) => {
        throw new AppError('unavailable', 'the event could not be recorded; deliver it again', { accountId }, { cause: error });
      });
      // A status for a message this account does not know (sent by another app on the same number, or before its
      // provider id was committed) cannot be placed. It is not an error: a 5xx would make Meta retry for days.
      if (recorded.kind === 'receipt' && !recorded.matched) unmatched++;
    }
    if (unmatched > 0) options.logger.info({ accountId, unmatched }, 'statuses for messages not in the record');
    // Reports are stored before the 200 too: Meta does not send them again once it has one.
    await options.report(normalized.reports).catch((error: unknown) => {
      throw new AppError('unavailable', 'the webhook could not be recorded; deliver it again', { accountId }, { cause: error });
    });
    if (normalized.reports.length > 0) options.logger.warn({ accountId, reports: normalized.reports.map((r) => r.kind) }, 'webhook parts kept for the admin');
    return { recorded: normalized.events.length, unmatched, reported: normalized.reports.length };
  };

  router.post('/webhooks/whatsapp-cloud/:accountId', express.raw({ type: () => true, limit: bodyLimit }), async (req, res) => {
    const { accountId } = paramsSchema.parse(req.params);
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(200).json(await receive(accountId, raw, req.get('x-hub-signature-256')));
  });

  const fastPath = fastWebhook({
    logger: options.logger,
    path: fastPathPattern,
    bodyLimit,
    receive: (accountId, raw, req) => {
      const signature = req.headers['x-hub-signature-256'];
      return receive(accountId, raw, Array.isArray(signature) ? signature.join(', ') : signature);
    },
  });
  return { router, fastPath };
}

function parsePayload(raw: Buffer) {
  if (raw.length === 0) throw new AppError('bad_request', 'the webhook body is empty');
  const text = decodeStrictUtf8(raw, 'the webhook body');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid_json', `the webhook body is not valid JSON: ${(error as Error).message}`);
  }
  const unstorable = findUnstorableText(json);
  if (unstorable) throw new AppError('bad_request', `the webhook payload holds what PostgreSQL cannot store (NUL, an unpaired surrogate, nesting over 200 deep) at ${unstorable}`);
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('bad_request', `the webhook payload is malformed: ${issue?.path.join('.') || 'body'}: ${issue?.message}`);
  }
  return parsed.data;
}
