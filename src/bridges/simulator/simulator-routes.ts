import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { BridgeRegistry } from '../bridge-registry.js';

// The simulator's HTTP surface: a person (or a test) plays a client's phone.

export const phoneNumber = z
  .string()
  .regex(/^\+[1-9][0-9]{5,14}$/, 'a phone number in E.164 form, like +15550100001');

export const simulatorInboundSchema = z
  .object({
    from: phoneNumber,
    text: z.string().max(4096, 'at most 4096 characters').optional(),
    id: z.string().min(1).max(256).optional(),
    name: z.string().min(1).max(200).optional(),
    media: z
      .array(
        z
          .object({
            url: z.string().url().max(2048),
            mimeType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type like image/jpeg'),
            fileName: z.string().min(1).max(255).optional(),
            size: z.number().int().min(0).optional(),
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
}

export function simulatorRoutes(options: SimulatorRoutesOptions): Router {
  const router = Router();

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
      media: body.media,
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
    const rows = await options.pool.query<{ id: string; text: string | null; status: string; sentAt: Date }>(
      `SELECT "providerMessageId" AS id, text, status, "sentAt" FROM "SimulatorPhoneMessage"
        WHERE "accountId" = $1 AND address = $2 ORDER BY "sentAt", id`,
      [accountId, address.data],
    );
    res.json(rows.rows);
  });

  return router;
}
