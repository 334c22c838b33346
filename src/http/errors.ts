import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { AppErrorCode } from '../core/errors.js';
import { AppError, isAppError } from '../core/errors.js';

// The one place error codes become HTTP statuses; the Record makes the compiler check every code has one.
export const statusOf: Record<AppErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  invalid_utf8: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  bad_signature: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  consent_required: 409,
  window_closed: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: AppErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** The contact's consent state, on consent_required (409). */
  state?: string;
}

/** Turns zod issues into a 400 that names each bad field. */
export function fromZod(error: ZodError, where = 'body'): AppError {
  const problems = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new AppError('bad_request', summary, { problems });
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  limit?: number;
  length?: number;
}

function fromBodyParser(error: BodyParserError): AppError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', `the request body is larger than the ${error.limit} bytes allowed`, {
        limit: error.limit,
      });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('bad_request', `the request body could not be read (${error.type})`);
    default:
      break;
  }
  // Any other client error an HTTP library raised (a body whose Content-Encoding lies, a path parameter that is not
  // valid percent-encoding): the request's fault, so a 4xx naming it, never a 500.
  const status = error.status ?? error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = error.expose !== false && error.message ? error.message : 'the request could not be read';
    if (status === 413) return new AppError('payload_too_large', message);
    if (status === 415) return new AppError('unsupported_media_type', message);
    return new AppError('bad_request', message);
  }
  return null;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * The status and JSON body an error is answered with; `log` is told of what went wrong on the server's side (an
 * unexpected error, or a 5xx).
 */
export function errorAnswer(error: unknown, log?: (error: unknown, message: string) => void): { status: number; body: ErrorBody } {
  const appError = isAppError(error)
    ? error
    : error instanceof ZodError
      ? fromZod(error)
      : (fromBodyParser(error as BodyParserError) ?? null);
  if (!appError) log?.(error, 'unhandled error');
  const final = appError ?? new AppError('internal', 'something went wrong; it has been logged');
  const status = statusOf[final.code];
  if (status >= 500 && appError) log?.(error, final.message);
  const body: ErrorBody = { error: final.code, message: final.message };
  if (final.details) body.details = final.details;
  if (typeof final.details?.state === 'string') body.state = final.details.state;
  return { status, body };
}

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const { status, body } = errorAnswer(error, (err, message) => req.log?.error({ err }, message));
  if (!res.headersSent) res.status(status).json(body);
};
