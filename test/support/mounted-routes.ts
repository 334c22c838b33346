// The routes an express 5 app really mounts, read from its router stack (router 2.x layers): each route layer's path
// and methods, through nested routers and apps, prefixed by the path each was mounted at.

export interface MountedRoute {
  /** GET, POST, …; ALL for router.all. */
  method: string;
  /** The express path, e.g. /api/conversations/:id. */
  path: string;
}

export interface RouteListing {
  routes: MountedRoute[];
  /** Routers whose routes cannot be listed (a RegExp path, an app mounted with app.use): their mount prefixes. */
  unlisted: { prefix: string; what: string }[];
}

interface LayerLike {
  rawPath?: unknown;
  slash?: boolean;
  name?: string;
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle?: unknown;
}

const stackOf = (handle: unknown): LayerLike[] | undefined => {
  if (typeof handle !== 'function') return undefined;
  const candidate = handle as { stack?: unknown; router?: { stack?: unknown }; settings?: unknown };
  if (Array.isArray(candidate.stack)) return candidate.stack as LayerLike[];
  // An express app handed to Router#use (Bull Board's): its own router holds the stack.
  if (candidate.settings && Array.isArray(candidate.router?.stack)) return candidate.router.stack as LayerLike[];
  return undefined;
};

export function mountedRoutes(app: { router: unknown }): RouteListing {
  const listing: RouteListing = { routes: [], unlisted: [] };
  const pathsOf = (path: unknown, prefix: string): string[] | undefined => {
    const paths = Array.isArray(path) ? (path.flat(Infinity) as unknown[]) : [path];
    if (paths.every((one) => typeof one === 'string')) return paths as string[];
    listing.unlisted.push({ prefix, what: String(path) });
    return undefined;
  };
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.entries(layer.route.methods)
          .filter(([, on]) => on)
          .map(([method]) => (method === '_all' ? 'ALL' : method.toUpperCase()));
        for (const path of pathsOf(layer.route.path, prefix) ?? []) {
          for (const method of methods) listing.routes.push({ method, path: `${prefix}${path}` });
        }
        continue;
      }
      if (layer.name === 'mounted_app') {
        listing.unlisted.push({ prefix: `${prefix}${String(layer.rawPath)}`, what: 'an app mounted with app.use' });
        continue;
      }
      const nested = stackOf(layer.handle);
      if (!nested) continue;
      const mounts = layer.slash ? [''] : (pathsOf(layer.rawPath, prefix) ?? []);
      for (const mount of mounts) walk(nested, `${prefix}${mount.replace(/\/$/, '')}`);
    }
  };
  const root = stackOf(app.router);
  if (!root) throw new Error('not an express 5 app: no router stack');
  walk(root, '');
  return listing;
}

/** /api/matters/:id/events as OpenAPI writes it: /api/matters/{id}/events. */
export const openApiPathOf = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');
