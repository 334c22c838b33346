import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { jsonBody } from '../../http/json-body.js';
import type { BridgeRegistry } from '../bridge-registry.js';

// The simulator's HTTP surface: a person (or a test) plays a client's phone.

/** What one attachment may weigh, as any file a lawyer attaches (WhatsApp's own ceiling for documents is larger). */
export const simulatorMediaMaxBytes = 16 * 1024 * 1024;
const simulatorMediaBase64Max = Math.ceil(simulatorMediaMaxBytes / 3) * 4 + 64;

export const phoneNumber = z
  .string()
  .regex(/^\+[1-9][0-9]{5,14}$/, 'a phone number in E.164 form, like +15550100001');

export const simulatorInboundSchema = z
  .object({
    from: phoneNumber,
    text: z.string().max(4096, 'at most 4096 characters').optional(),
    id: z.string().min(1).max(256).optional(),
    name: z.string().min(1).max(200).optional(),
    // Inline only: the simulator never fetches a URL (a stranger could point the server anywhere).
    media: z
      .array(
        z
          .object({
            data: z
              .string()
              .min(1, 'the file as base64')
              .max(simulatorMediaBase64Max, `at most ${simulatorMediaMaxBytes} bytes of file`)
              .regex(/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/, 'base64 (A-Z, a-z, 0-9, +, /, = padding)'),
            mimeType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type like image/jpeg'),
            fileName: z.string().min(1).max(255).optional(),
          })
          .strict(),
      )
      .max(10)
      .optional(),
    // When the client's phone says it sent the message (default: now): lets a demo or test play the past.
    sentAt: z.iso.datetime({ offset: true }).optional(),
    // Played as history sync: captured and flagged, never answered automatically.
    backfilled: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.text !== undefined || (body.media?.length ?? 0) > 0, {
    message: 'text is required (or at least one media item)',
    path: ['text'],
  });
export type SimulatorInbound = z.infer<typeof simulatorInboundSchema>;

export const paramsSchema = z.object({ accountId: z.string().min(1).max(200) });

export interface SimulatorRoutesOptions {
  registry: BridgeRegistry;
  pool: pg.Pool;
  /** MATTERLINE_SIMULATOR: off, every simulator route answers 404 as if it did not exist. */
  enabled: boolean;
}

export function simulatorRoutes(options: SimulatorRoutesOptions): Router {
  const router = Router();
  if (!options.enabled) {
    router.all('/api/simulator/{*rest}', () => {
      throw new AppError('not_found', 'no such route: the simulator is off on this server (MATTERLINE_SIMULATOR)');
    });
    return router;
  }
  // Mounted before the API's 256 kB body parser: inline media needs room (its files together at most one file's limit).
  router.use('/api/simulator', jsonBody(`${Math.ceil(simulatorMediaBase64Max / 1024 / 1024) + 1}mb`));

  const simulatorFor = async (accountId: string) => {
    const bridge = await options.registry.simulator(accountId);
    if (!bridge) throw new AppError('not_found', `no simulator account "${accountId}"`, { accountId });
    return bridge;
  };

  router.post('/api/simulator/:accountId/inbound', async (req, res) => {
    const { accountId } = paramsSchema.parse(req.params);
    const bridge = await simulatorFor(accountId);
    if (req.body === undefined) throw new AppError('bad_request', 'a JSON body {from, text} is required');
    const parsed = simulatorInboundSchema.safeParse(req.body);
    if (!parsed.success) throw parsed.error;
    const body = parsed.data;
    const recorded = await bridge.receive({
      from: body.from,
      text: body.text,
      id: body.id,
      name: body.name,
      media: body.media?.map((item) => {
        const data = Buffer.from(item.data, 'base64');
        if (data.length > simulatorMediaMaxBytes) {
          throw new AppError('payload_too_large', `media: a file is ${data.length} bytes, more than the ${simulatorMediaMaxBytes} allowed`);
        }
        return { data, mimeType: item.mimeType, size: data.length, ...(item.fileName ? { fileName: item.fileName } : {}) };
      }),
      sentAt: body.sentAt ? new Date(body.sentAt) : undefined,
      backfilled: body.backfilled,
    });
    if (recorded.kind !== 'message') throw new AppError('internal', 'the simulator recorded something else');
    res.status(recorded.duplicate ? 200 : 202).json({
      id: recorded.messageId,
      conversationId: recorded.conversationId,
      duplicate: recorded.duplicate,
    });
  });

  router.get('/api/simulator/:accountId/phones/:address', async (req, res) => {
    const { accountId } = paramsSchema.parse(req.params);
    const address = phoneNumber.safeParse(req.params.address);
    if (!address.success) throw new AppError('bad_request', `address: ${address.error.issues[0]?.message}`);
    await simulatorFor(accountId);
    const rows = await options.pool.query<{ id: string; text: string | null; media: unknown; status: string; sentAt: Date }>(
      `SELECT "providerMessageId" AS id, text, COALESCE(media, '[]'::jsonb) AS media, status, "sentAt" FROM "SimulatorPhoneMessage"
        WHERE "accountId" = $1 AND address = $2 ORDER BY "sentAt", id`,
      [accountId, address.data],
    );
    res.json(rows.rows);
  });

  return router;
}
