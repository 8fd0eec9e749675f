import { INestApplication } from '@nestjs/common';

export interface RegisteredRoute {
  method: string;
  path: string;
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every route the running Express app actually answers, read from its router: a controller added
 * anywhere shows up here without anyone listing it, which is what makes the route tables complete.
 */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  const out = new Map<string, RegisteredRoute>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const methods = Object.entries(layer.route.methods)
      .filter(([m, on]) => on && m !== '_all')
      .map(([m]) => m);
    // `router.all` (Nest's not-found fallback) expands to every HTTP method: one row for it all.
    for (const method of methods.length > 20 ? ['all'] : methods) {
      const route = { method: method.toUpperCase(), path: layer.route.path };
      out.set(routeKey(route), route);
    }
  }
  return [...out.values()].sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

export const routeKey = (r: RegisteredRoute) => `${r.method} ${r.path}`;

/** A concrete URL for a route pattern: ids become unknown UUIDs, codes unknown codes. */
export function concretePath(path: string, values: Record<string, string> = {}): string {
  return path.replace('{*path}', 'no/such/route').replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? PARAM_DEFAULTS[name] ?? 'x');
}

const PARAM_DEFAULTS: Record<string, string> = {
  id: '6f0a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  code: 'no-such-code',
  subscriberId: '8613800000999',
};
