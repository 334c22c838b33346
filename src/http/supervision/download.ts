import type { Request, Response } from 'express';

/** An export's answer: its size is not known until it is written; the message count lets a client show progress. */
export function startDownload(res: Response, contentType: string, prepared: { fileName: string; messageCount: number }, headers: Record<string, string> = {}): void {
  res.status(200).set({
    'content-type': contentType,
    'content-disposition': `attachment; filename="${prepared.fileName}"`,
    'cache-control': 'no-store',
    'x-export-messages': String(prepared.messageCount),
    ...headers,
  });
}

/**
 * Streams a started download. The headers are gone by then: if writing fails part-way, the only honest signal left is
 * a cut connection (the file is then visibly incomplete).
 */
export async function writeDownload(req: Request, res: Response, write: (output: Response) => Promise<unknown>, what: string, context: Record<string, unknown> = {}): Promise<void> {
  try {
    await write(res);
  } catch (error) {
    req.log?.warn({ err: error, ...context }, `${what} stopped before the end`);
    res.destroy();
  }
}
