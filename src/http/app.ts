import express from 'express';
import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { errorHandler, notFoundHandler } from './errors.js';
import { htmlNotFound } from './web-routes.js';
import { jsonBody } from './json-body.js';
import { multipartRoutes } from './api/conversation-routes.js';
import { requestId, requestLogged } from './request-id.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * False: reported, but the server is ready without it. One linked phone offline is the admin's business (the
   * admin page and the metrics say so), not a server outage that a load balancer should route around.
   */
  required?: boolean;
}

export interface CreateAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Guards /readyz: no diagnostic endpoint is open (an admin's session or the metrics token; http/ops). */
  diagnosticsGuard: RequestHandler;
  /** Routers mounted after the JSON body parser (the simulator, the API). */
  routers: RequestHandler[];
  /** Routers mounted before any body parser: webhooks read the raw body to check its signature. */
  webhookRouters?: RequestHandler[];
  bodyLimit?: string | number;
  /**
   * Proxies whose X-Forwarded-For is believed (MATTERLINE_TRUST_PROXY: "loopback", addresses, CIDRs); empty: none, and
   * req.ip is the address that connected. Sign-in throttling and the audit log's addresses rest on it.
   */
  trustProxy?: readonly string[];
}

export function createApp(options: CreateAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false);
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: requestId,
      // Never a message body, phone number or secret in a log line: only the method, route and status.
      serializers: { req: requestLogged, res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // A provider's accepted webhook is the bulk of all requests (thousands a second at peak) and its message is in
      // the record: debug. Refusals and failures, and every request of a person, stay at info and above.
      customLogLevel: (req, res, error) => {
        if (error || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        return req.method === 'POST' && req.url?.startsWith('/webhooks/') ? 'debug' : 'info';
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', options.diagnosticsGuard, async (_req, res) => {
    const results = await Promise.all(
      options.readiness.map(async (item) => {
        const required = item.required ?? true;
        try {
          await item.check();
          return { name: item.name, ok: true, required };
        } catch (error) {
          return { name: item.name, ok: false, required, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((result) => result.ok || !result.required);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });

  for (const router of options.webhookRouters ?? []) app.use(router);
  app.use(jsonBody(options.bodyLimit ?? '256kb', multipartRoutes));
  for (const router of options.routers) app.use(router);
  app.use(htmlNotFound);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
