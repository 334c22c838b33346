import type { RequestHandler } from 'express';
import type { FastPath } from '../http/fast-webhook.js';
import { simulatorRoutes } from '../bridges/simulator/simulator-routes.js';
import { twilioRoutes } from '../bridges/twilio/twilio-routes.js';
import { whatsappCloudRoutes } from '../bridges/whatsapp-cloud/whatsapp-cloud-routes.js';
import type { AccountReportInput } from '../core/accounts/account-reports.js';
import { recordAccountReports } from '../core/accounts/account-reports.js';
import type { RouteDependencies } from './route-dependencies.js';

/**
 * The provider webhooks (WhatsApp Cloud API, Twilio), mounted before any body parser so signatures see raw bytes;
 * and the demo simulator (404 unless MATTERLINE_SIMULATOR is on), which parses its own larger JSON bodies.
 */
export function webhookRoutes(dependencies: RouteDependencies): { routers: RequestHandler[]; fastPaths: FastPath[] } {
  const options = {
    registry: dependencies.registry,
    record: dependencies.record,
    report: (reports: AccountReportInput[]) => recordAccountReports(dependencies.db.pool, reports),
    logger: dependencies.logger,
  };
  const whatsappCloud = whatsappCloudRoutes(options);
  return {
    routers: [
      whatsappCloud.router,
      twilioRoutes(options),
      simulatorRoutes({ registry: dependencies.registry, pool: dependencies.db.pool, enabled: dependencies.config.simulator }),
    ],
    // Tried before Express: the WhatsApp Cloud webhook, the one provider that posts every message and receipt alone.
    fastPaths: [whatsappCloud.fastPath],
  };
}
