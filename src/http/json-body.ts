import express from 'express';
import type { RequestHandler } from 'express';
import { findUnstorableText } from '../core/channel-rules/unstorable-text.js';
import { AppError } from '../core/errors.js';
import { decodeStrictUtf8 } from './strict-utf8.js';


/**
 * Parses a JSON body strictly: the size limit first (413), then the media type (415), then UTF-8 (invalid bytes are
 * a 400, never silently replaced), then JSON (400 naming the problem). An empty body leaves req.body undefined.
 */
export function jsonBody(limit: string | number = '256kb', multipartPaths: readonly RegExp[] = []): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit });
  return [
    // A route that takes files reads its own multipart body (http/multipart.ts), within its own limits.
    (req, res, next) =>
      req.method === 'POST' && /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '') && multipartPaths.some((path) => path.test(req.path))
        ? next()
        : raw(req, res, next),
    (req, _res, next) => {
      const raw: unknown = req.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0) {
        req.body = undefined;
        return next();
      }
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
        return next(new AppError('unsupported_media_type', 'send the body as application/json'));
      }
      let text: string;
      try {
        text = decodeStrictUtf8(raw);
      } catch (error) {
        return next(error);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch (error) {
        return next(new AppError('invalid_json', `the request body is not valid JSON: ${(error as Error).message}`));
      }
      // A NUL character or an unpaired surrogate cannot be stored in PostgreSQL: refuse it here, for every route,
      // rather than fail later at INSERT.
      const unstorable = findUnstorableText(parsed, 'body');
      if (unstorable) {
        return next(new AppError('bad_request', `${unstorable}: text with a NUL character or an unpaired surrogate cannot be stored`));
      }
      req.body = parsed;
      next();
    },
  ];
}
