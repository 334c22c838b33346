import type { RequestHandler } from 'express';
import type { RouteDependencies } from './route-dependencies.js';

/** The provider webhooks (WhatsApp Cloud API, Twilio), mounted before any body parser so signatures see raw bytes. */
export function webhookRoutes(_dependencies: RouteDependencies): RequestHandler[] {
  return [];
}
