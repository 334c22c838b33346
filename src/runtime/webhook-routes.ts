import type { RequestHandler } from 'express';
import { twilioRoutes } from '../bridges/twilio/twilio-routes.js';
import { whatsappCloudRoutes } from '../bridges/whatsapp-cloud/whatsapp-cloud-routes.js';
import type { RouteDependencies } from './route-dependencies.js';

/** The provider webhooks (WhatsApp Cloud API, Twilio), mounted before any body parser so signatures see raw bytes. */
export function webhookRoutes(dependencies: RouteDependencies): RequestHandler[] {
  const options = { registry: dependencies.registry, record: dependencies.record, logger: dependencies.logger };
  return [whatsappCloudRoutes(options), twilioRoutes(options)];
}
