import { createAccount, createModel } from '../support/fixtures';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { concretePath, registeredRoutes, routeKey } from './registered-routes';

type Kind = 'billing' | 'gateway' | 'provider' | 'account';
/** Who may call a route besides admin (admin may call every non-public route). */
type Access = 'public' | Kind[];

const STAFF: Kind[] = ['billing'];
const STAFF_AND_ACCOUNT: Kind[] = ['billing', 'account'];
const ADMIN_ONLY: Kind[] = [];

/**
 * The access contract (SPEC §12), one row per route. A route the app registers without a row here
 * fails the first test, so a new endpoint cannot ship without someone deciding who may call it.
 */
const ROUTE_ACCESS: Record<string, Access> = {
  'GET /health': 'public',
  // Without a key only from METRICS_ALLOW peers; the test client is on loopback, which is allowed by default.
  'GET /metrics': 'public',
  'GET /docs': 'public',
  'GET /docs-json': 'public',
  'GET /docs-yaml': 'public',
  'GET /docs/': 'public',
  'GET /docs/index.html': 'public',
  'GET /docs/LICENSE': 'public',
  'GET /docs/swagger-ui-init.js': 'public',
  'GET /docs/docs/swagger-ui-init.js': 'public',
  'ALL /{*path}': 'public',
  'GET /v1/whoami': ['billing', 'gateway', 'provider', 'account'],
  'POST /v1/api-keys': ADMIN_ONLY,
  'GET /v1/api-keys': ADMIN_ONLY,
  'DELETE /v1/api-keys/:id': ADMIN_ONLY,
  'GET /v1/audit-log': STAFF,
  'POST /v1/providers': STAFF,
  'GET /v1/providers': STAFF,
  'GET /v1/providers/:code': STAFF,
  'POST /v1/models': STAFF,
  'GET /v1/models': STAFF,
  'GET /v1/models/:code': STAFF,
  'PATCH /v1/models/:code': STAFF,
  'POST /v1/models/:code/rates': STAFF,
  'POST /v1/plans': STAFF,
  'GET /v1/plans': STAFF,
  'GET /v1/plans/:code': STAFF,
  'PATCH /v1/plans/:code': STAFF,
  'POST /v1/packs': STAFF,
  'GET /v1/packs': STAFF,
  'GET /v1/packs/:code': STAFF,
  'PATCH /v1/packs/:code': STAFF,
  'POST /v1/accounts': STAFF,
  'GET /v1/accounts': STAFF_AND_ACCOUNT,
  'GET /v1/accounts/:id': STAFF_AND_ACCOUNT,
  'PATCH /v1/accounts/:id': STAFF,
  'POST /v1/accounts/:id/adjustments': STAFF,
  'POST /v1/subscriptions': STAFF,
  'GET /v1/subscriptions': STAFF_AND_ACCOUNT,
  'GET /v1/subscriptions/:id': STAFF_AND_ACCOUNT,
  'GET /v1/subscriptions/:id/balance': STAFF_AND_ACCOUNT,
  'POST /v1/subscriptions/:id/members': STAFF,
  'DELETE /v1/subscriptions/:id/members/:subscriberId': STAFF,
  'POST /v1/subscriptions/:id/change-plan': STAFF,
  'POST /v1/subscriptions/:id/cancel': STAFF,
  'POST /v1/subscriptions/:id/terminate': STAFF,
  'POST /v1/subscriptions/:id/suspend': STAFF,
  'POST /v1/subscriptions/:id/resume': STAFF,
  'POST /v1/subscriptions/:id/top-ups': STAFF,
  'GET /v1/subscriptions/:id/top-ups': STAFF_AND_ACCOUNT,
  'POST /v1/usage-events': ['billing', 'gateway'],
  'POST /v1/authorize': ['billing', 'gateway'],
  'POST /v1/reservations/:id/release': ['billing', 'gateway'],
  'GET /v1/reservations': STAFF,
  'GET /v1/usage': STAFF_AND_ACCOUNT,
  'GET /v1/usage/summary': STAFF_AND_ACCOUNT,
  'GET /v1/rejected-usage': STAFF,
  'POST /v1/rejected-usage/retry': STAFF,
  'GET /v1/rejected-usage/retry-jobs/:id': STAFF,
  'POST /v1/rejected-usage/:id/retry': STAFF,
  'POST /v1/rating-runs': STAFF,
  'GET /v1/admin/verify': STAFF,
  'GET /v1/rating-runs': STAFF,
  'GET /v1/rating-runs/:id': STAFF,
  'GET /v1/charges': STAFF_AND_ACCOUNT,
  'GET /v1/charges/:id': STAFF_AND_ACCOUNT,
  'POST /v1/charges/:id/requeue': STAFF,
  'POST /v1/settlement-batches': STAFF,
  'GET /v1/settlement-batches': STAFF,
  'GET /v1/settlement-batches/:id': STAFF,
  'GET /v1/settlement-batches/:id/file': STAFF,
  'POST /v1/settlement-batches/:id/ack': STAFF,
  'GET /v1/invoices': STAFF_AND_ACCOUNT,
  'GET /v1/invoices/:id': STAFF_AND_ACCOUNT,
  'GET /v1/provider-statements': ['billing', 'provider'],
  'GET /v1/alerts': STAFF,
  'POST /v1/webhooks': STAFF,
  'GET /v1/webhooks': STAFF,
  'GET /v1/webhooks/:id': STAFF,
  'DELETE /v1/webhooks/:id': STAFF,
  'GET /v1/webhooks/:id/deliveries': STAFF,
  'POST /v1/webhook-deliveries/:id/replay': STAFF,
};

type Caller = 'admin' | Kind | 'none' | 'revoked' | 'malformed';
const CALLERS: Caller[] = ['admin', 'billing', 'gateway', 'provider', 'account', 'none', 'revoked', 'malformed'];
type Expected = 'answers' | '401' | '403';

function expected(access: Access, caller: Caller): Expected {
  if (access === 'public') return 'answers';
  if (caller === 'none' || caller === 'revoked' || caller === 'malformed') return '401';
  return caller === 'admin' || access.includes(caller) ? 'answers' : '403';
}

/** "answers" is any status the role guard did not produce: 2xx, or a 4xx other than 401/403 (never 5xx). */
function observed(status: number): Expected | `${number}` {
  if (status === 401) return '401';
  if (status === 403) return '403';
  if (status >= 500) return `${status}`;
  return 'answers';
}

describe('access: every registered route × every role', () => {
  let t: TestApp;
  const headers = {} as Record<Caller, Record<string, string>>;

  beforeAll(async () => {
    t = await startTestApp();
    await createModel(t, 'm-route', 'prov-route');
    const accountId = await createAccount(t);
    const revoked = await t.http().post('/v1/api-keys').set(bearer(t.adminKey)).send({ name: 'revoked', role: 'billing' });
    await t.http().delete(`/v1/api-keys/${revoked.body.id}`).set(bearer(t.adminKey));
    headers.admin = bearer(t.adminKey);
    headers.billing = bearer(await t.keyFor('billing'));
    headers.gateway = bearer(await t.keyFor('gateway'));
    headers.provider = bearer(await t.keyFor('provider:prov-route'));
    headers.account = bearer(await t.keyFor(`account:${accountId}`));
    headers.none = {};
    headers.revoked = bearer(revoked.body.secret);
    headers.malformed = { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
  });
  afterAll(() => t.close());

  it('has an access row for every route the app registers, and no row for a route it does not', () => {
    const registered = registeredRoutes(t.app).map(routeKey);
    expect({ withoutRow: registered.filter((r) => !(r in ROUTE_ACCESS)) }).toEqual({ withoutRow: [] });
    expect({ notRegistered: Object.keys(ROUTE_ACCESS).filter((r) => !registered.includes(r)) }).toEqual({ notRegistered: [] });
  });

  it('answers each route with the status class its row gives each caller', async () => {
    const mismatches: string[] = [];
    for (const route of registeredRoutes(t.app)) {
      const access = ROUTE_ACCESS[routeKey(route)];
      if (!access) continue;
      for (const caller of CALLERS) {
        const method = route.method === 'ALL' ? 'get' : (route.method.toLowerCase() as 'get');
        const req = t.http()[method](concretePath(route.path)).set(headers[caller]);
        const res = method === 'get' || method === 'delete' ? await req : await req.send({});
        const got = observed(res.status);
        const want = expected(access, caller);
        if (got !== want) mismatches.push(`${routeKey(route)} as ${caller}: expected ${want}, got ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
