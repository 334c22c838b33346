import type { Request } from 'express';
import type { z } from 'zod';
import { findUnstorableText } from '../../core/channel-rules/unstorable-text.js';
import { AppError } from '../../core/errors.js';
import { fromZod } from '../errors.js';

// zod on every input: each helper names the part of the request in its 400 (body.text, query.limit, params.id).

export function parseBody<T>(req: Request, schema: z.ZodType<T>): T {
  if (req.body === undefined) {
    const empty = schema.safeParse({});
    if (empty.success) return empty.data;
    throw new AppError('bad_request', 'a JSON body is required', { problems: empty.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })) });
  }
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw fromZod(parsed.error, 'body');
  return parsed.data;
}

export function parseQuery<T>(req: Request, schema: z.ZodType<T>): T {
  // A NUL or an unpaired surrogate (?q=%00x) cannot reach PostgreSQL as text: a 400 here, never a 500 there.
  const unstorable = findUnstorableText(req.query, 'query');
  if (unstorable) throw new AppError('bad_request', `${unstorable}: a NUL character or an unpaired surrogate is not allowed`);
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw fromZod(parsed.error, 'query');
  return parsed.data;
}

export function parseParams<T>(req: Request, schema: z.ZodType<T>): T {
  const unstorable = findUnstorableText(req.params, 'params');
  if (unstorable) throw new AppError('bad_request', `${unstorable}: a NUL character or an unpaired surrogate is not allowed`);
  const parsed = schema.safeParse(req.params);
  if (!parsed.success) throw fromZod(parsed.error, 'params');
  return parsed.data;
}
