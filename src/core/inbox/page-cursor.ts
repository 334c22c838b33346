import type { z } from 'zod';
import { AppError } from '../errors.js';

// Keyset cursors: the sort key of the last item of a page, opaque to clients (base64url JSON). An offset would skip
// or repeat items as new messages arrive between pages; a key does not.

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (error) {
    throw new AppError('bad_request', 'cursor: not a cursor this API gave out', { field: 'cursor' }, { cause: error });
  }
}
