import type { RequestHandler } from 'express';
import { simulatorRoutes } from '../bridges/simulator/simulator-routes.js';
import type { RouteDependencies } from './route-dependencies.js';

/** The JSON API and the simulator, mounted after the strict JSON body parser. */
export function apiRoutes(dependencies: RouteDependencies): RequestHandler[] {
  return [simulatorRoutes({ registry: dependencies.registry, pool: dependencies.db.pool })];
}
