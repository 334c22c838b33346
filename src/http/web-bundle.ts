import { createHash } from 'node:crypto';
import path from 'node:path';
import type { RequestHandler } from 'express';

/** The web app's TypeScript (Preact components in TSX), compiled into one ES module for the browser. */
export const webAppEntry = path.resolve(import.meta.dirname, '../web/app/main.tsx');

export interface WebBundle {
  js: Buffer;
  etag: string;
}

let building: Promise<WebBundle> | undefined;

/**
 * Compiles src/web/app with esbuild, once per process: at start (main.ts warms it) or at the first page load. Nothing
 * is written to disk, so what a server hands out is always what its source says; a failed build is tried again at the
 * next request rather than remembered.
 */
export function buildWebApp(): Promise<WebBundle> {
  building ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [webAppEntry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      legalComments: 'none',
      write: false,
      outfile: 'app.js',
      logLevel: 'silent',
    });
    const js = Buffer.from(result.outputFiles[0]!.contents);
    return { js, etag: `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"` };
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}

/** `GET /assets/app.js`: the compiled app, revalidated by its ETag on every load. */
export const serveWebApp: RequestHandler = async (req, res) => {
  const bundle = await buildWebApp();
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('etag', bundle.etag);
  if (req.headers['if-none-match'] === bundle.etag) {
    res.status(304).end();
    return;
  }
  res.type('text/javascript').send(bundle.js);
};
