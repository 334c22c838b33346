import type { z } from 'zod';
import { AppError } from '../core/errors.js';

/** Options checked with zod; a bad one is an error naming the option (--time-zone: ...). */
export function cliInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const option = (path: PropertyKey[]) => `--${String(path[0] ?? 'input').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new AppError('bad_request', parsed.error.issues.map((issue) => `${option(issue.path)}: ${issue.message}`).join('; '));
}

/** The whole of standard input, as text (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
