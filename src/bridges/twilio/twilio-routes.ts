import express, { Router } from 'express';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BridgeEvent, RecordedEvent } from '../../core/bridge-events.js';
import { findUnstorableText } from '../../core/channel-rules/unstorable-text.js';
import { decodeStrictUtf8 } from '../../http/strict-utf8.js';
import { AppError } from '../../core/errors.js';
import { asAccountId } from '../../core/ids.js';
import type { BridgeRegistry } from '../bridge-registry.js';
import type { FormParams } from './normalize-twilio.js';
import { normalizeTwilioInbound, normalizeTwilioStatus } from './normalize-twilio.js';
import { TwilioBridge } from './twilio-bridge.js';

// Twilio's webhooks for one account. Twilio retries (or reports the failure) on anything but a 2xx, so a 2xx is given
// only after the event is in the record; replays are harmless because capture is idempotent by MessageSid.

export interface TwilioRoutesOptions {
  registry: BridgeRegistry;
  /** Records one event, resolving once it is committed. */
  record(event: BridgeEvent): Promise<RecordedEvent>;
  logger: Logger;
}

const paramsSchema = z.object({ accountId: z.string().min(1).max(200) });
/** An SMS form is a few kilobytes even with ten media URLs. */
const bodyLimit = '256kb';
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export function twilioRoutes(options: TwilioRoutesOptions): Router {
  const router = Router();
  const readRaw = express.raw({ type: () => true, limit: bodyLimit });

  const bridgeFor = async (accountId: string): Promise<TwilioBridge> => {
    const bridge = await options.registry.get(accountId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') throw error;
      // A misconfigured or unavailable account: Twilio should retry once the firm has fixed it.
      throw new AppError('unavailable', `account "${accountId}" cannot take webhooks now`, { accountId }, { cause: error });
    });
    if (!(bridge instanceof TwilioBridge)) throw new AppError('not_found', `no Twilio account "${accountId}"`, { accountId });
    return bridge;
  };

  /** The account's bridge and the form, once the signature over it is verified. */
  const verified = async (req: Request, route: 'inbound' | 'status') => {
    const { accountId } = paramsSchema.parse(req.params);
    const bridge = await bridgeFor(accountId);
    const entries = parseForm(req);
    const signed = bridge.verifySignature({
      seenUrl: `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`,
      route,
      params: entries,
      signature: req.get('x-twilio-signature'),
      settings: req.get('x-twilio-webhooks-signature-settings'),
    });
    if (!signed.ok) throw new AppError('bad_signature', signed.problem);
    const form: FormParams = Object.fromEntries(entries);
    const unstorable = findUnstorableText(form);
    if (unstorable) throw new AppError('bad_request', `the form holds what PostgreSQL cannot store (NUL, an unpaired surrogate, nesting over 200 deep) at ${unstorable}`);
    return { accountId, form };
  };

  const record = async (accountId: string, event: BridgeEvent) =>
    options.record(event).catch((error: unknown) => {
      throw new AppError('unavailable', 'the event could not be recorded; deliver it again', { accountId }, { cause: error });
    });

  router.post('/webhooks/twilio/:accountId', readRaw, async (req, res) => {
    const { accountId, form } = await verified(req, 'inbound');
    const normalized = normalizeTwilioInbound(asAccountId(accountId), form, new Date());
    if (!normalized.ok) throw new AppError('bad_request', `the Twilio message is malformed: ${normalized.problem}`);
    await record(accountId, normalized.event);
    // An empty TwiML answer: replies are decided later, by the worker, never in the webhook.
    res.status(200).type('text/xml').send(emptyTwiml);
  });

  router.post('/webhooks/twilio/:accountId/status', readRaw, async (req, res) => {
    const { accountId, form } = await verified(req, 'status');
    const normalized = normalizeTwilioStatus(asAccountId(accountId), form, new Date());
    if (!normalized.ok) throw new AppError('bad_request', `the Twilio status callback is malformed: ${normalized.problem}`);
    if (normalized.event) {
      // The message id Matterline put in this callback's URL (which the signature covers).
      const mid = typeof req.query.mid === 'string' && /^[0-9a-f-]{36}$/i.test(req.query.mid) ? req.query.mid : undefined;
      const recorded = await record(accountId, { ...normalized.event, ...(mid ? { clientMessageId: mid } : {}) });
      // A status for a message this account does not know is acknowledged: a retry would not place it either.
      if (recorded.kind === 'receipt' && !recorded.matched) {
        options.logger.info({ accountId, status: normalized.event.status }, 'status for a message not in the record');
      }
    }
    res.status(204).end();
  });

  return router;
}

function parseForm(req: Request): [string, string][] {
  const type = req.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Twilio webhooks are application/x-www-form-urlencoded');
  }
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (raw.length === 0) throw new AppError('bad_request', 'the webhook body is empty');
  const text = decodeStrictUtf8(raw, 'the webhook body');
  // Percent-escapes of invalid UTF-8 would be silently replaced by URLSearchParams: refuse them instead, so what is
  // stored is what Twilio signed.
  try {
    for (const part of text.split('&')) decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new AppError('bad_request', 'the form has a malformed percent-escape');
  }
  return [...new URLSearchParams(text)];
}
