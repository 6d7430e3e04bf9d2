import { describe, expect, it } from 'vitest';
import { CAPABILITIES, type Capability } from '../../../shared/access/access-types.js';
import { authorizeRoute, type Principal } from '../../../shared/access/principal.js';
import { ROUTE_ACCESS } from '../../../shared/access/route-access.js';
import { ApiError } from '../../../shared/errors.js';
import {
  CONSOLE_SESSION_ROUTES,
  EVENT_ROUTES,
  INGEST_ROUTES,
  MANAGEMENT_ROUTES,
} from '../../../shared/http/routes.js';

// The route × principal matrix, generated from the route lists: a route added to any list is
// in this matrix, and its expected answer is derived here from its path and method (the rules
// of the access design), not read back from ROUTE_ACCESS.

const ALL_ROUTES = [...new Set<string>([...INGEST_ROUTES, ...MANAGEMENT_ROUTES, ...EVENT_ROUTES])];
const NOW = new Date('2026-12-03T12:00:00.000Z');
const LATER = '2026-12-03T13:00:00.000Z';

/** What a tenant token needs for a route, from the design's table; `none`: never a token's. */
function expectedCapability(routeKey: string): Capability | 'none' {
  const [method = '', path = ''] = routeKey.split(' ');
  const own = '/v1/tenants/{tenantId}';
  if (!path.startsWith(own)) return 'none';
  const rest = path.slice(own.length);
  if (rest === '') return method === 'GET' ? 'read' : 'none';
  // The event type catalog is read-only for a token (only GET routes exist under the tenant).
  if (/^\/event-types(\/|$)/.test(rest)) return method === 'GET' ? 'read' : 'none';
  if (!/^\/(subscriptions|events)(\/|$)/.test(rest)) return 'none';
  if (/\/secret(\/rotate)?$/.test(rest)) return 'secrets';
  if (/\/(resend|replay|redrive)$/.test(rest)) return 'resend';
  return method === 'GET' ? 'read' : 'write';
}

function outcome(principal: Principal, routeKey: string, tenantId?: string, now = NOW) {
  try {
    authorizeRoute(principal, routeKey, tenantId, now);
    return { status: 200 };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, code: error.code, message: error.message };
  }
}

const pathTenant = (routeKey: string, own: string) =>
  routeKey.includes('{tenantId}') ? own : undefined;

const session = (expiresAt = LATER): Principal => ({
  kind: 'console',
  credentialId: 'e'.repeat(24),
  expiresAt,
});

/** The API-key and console-session routes: only the operator (IAM) may call them. */
const mintsPowerfulCredentials = (routeKey: string) =>
  /^\/v1\/(api-keys|console-sessions)(\/|$)/.test(routeKey.split(' ')[1] ?? '');

const token = (capabilities: readonly Capability[], expiresAt = LATER): Principal => ({
  kind: 'token',
  credentialId: 'a'.repeat(24),
  tenantId: 'acme',
  capabilities,
  expiresAt,
});

describe('the route × principal matrix', () => {
  it('has a rule for exactly the routes the APIs serve', () => {
    expect(Object.keys(ROUTE_ACCESS).sort()).toEqual([...ALL_ROUTES].sort());
  });

  it.each(ALL_ROUTES)('%s: the operator may call it', (routeKey) => {
    expect(outcome({ kind: 'operator' }, routeKey, pathTenant(routeKey, 'acme')).status).toBe(200);
  });

  it.each(ALL_ROUTES)(
    '%s: a manage key may call it unless it mints or lists credentials of that power',
    (routeKey) => {
      const key: Principal = { kind: 'api-key', credentialId: 'b'.repeat(24), scope: 'manage' };
      const expected = mintsPowerfulCredentials(routeKey) ? 403 : 200;
      expect(outcome(key, routeKey, pathTenant(routeKey, 'acme')).status).toBe(expected);
    },
  );

  it.each(ALL_ROUTES)('%s: a console session may call what a manage key may', (routeKey) => {
    const answer = outcome(session(), routeKey, pathTenant(routeKey, 'acme'));
    if (mintsPowerfulCredentials(routeKey))
      expect(answer).toMatchObject({ status: 403, code: 'forbidden' });
    else expect(answer.status).toBe(200);
    // Another tenant's path is no different to it (it is the operator's, not a tenant's).
    if (routeKey.includes('{tenantId}') && !mintsPowerfulCredentials(routeKey))
      expect(outcome(session(), routeKey, 'globex').status).toBe(200);
  });

  it.each(ALL_ROUTES)(
    '%s: an expired console session is refused (401) at and after its expiry',
    (routeKey) => {
      for (const expiresAt of ['2026-12-03T11:59:59.999Z', NOW.toISOString()]) {
        expect(outcome(session(expiresAt), routeKey, pathTenant(routeKey, 'acme'))).toMatchObject({
          status: 401,
          code: 'session_expired',
        });
      }
    },
  );

  it.each(CONSOLE_SESSION_ROUTES)('%s: no key or token may call it', (routeKey) => {
    for (const principal of [
      { kind: 'api-key', credentialId: 'b'.repeat(24), scope: 'manage' },
      { kind: 'api-key', credentialId: 'b'.repeat(24), scope: 'publish' },
      token([...CAPABILITIES]),
    ] as Principal[]) {
      expect(outcome(principal, routeKey).status, JSON.stringify(principal)).toBe(403);
    }
  });

  it.each(ALL_ROUTES)('%s: a publish key may call it only if it is an ingest route', (routeKey) => {
    const expected = (INGEST_ROUTES as readonly string[]).includes(routeKey) ? 200 : 403;
    for (const key of [
      { kind: 'api-key', credentialId: 'c'.repeat(24), scope: 'publish' },
      { kind: 'api-key', credentialId: 'c'.repeat(24), scope: 'publish', tenantId: 'acme' },
    ] as const) {
      expect(outcome(key, routeKey, pathTenant(routeKey, 'acme')).status).toBe(expected);
    }
  });

  it.each(ALL_ROUTES)('%s: a tenant token, with each capability set', (routeKey) => {
    const needed = expectedCapability(routeKey);
    for (const capabilities of [
      [],
      ...CAPABILITIES.map((c) => [c]),
      [...CAPABILITIES],
    ] as Capability[][]) {
      const own = outcome(token(capabilities), routeKey, pathTenant(routeKey, 'acme'));
      if (needed === 'none') {
        expect(own, `${routeKey} ${capabilities}`).toMatchObject({
          status: 403,
          code: 'forbidden',
        });
      } else if (!capabilities.includes(needed)) {
        expect(own).toMatchObject({ status: 403, code: 'insufficient_capability' });
        expect(own.message).toContain(needed);
      } else {
        expect(own.status).toBe(200);
      }
    }
  });

  it.each(ALL_ROUTES.filter((r) => expectedCapability(r) !== 'none'))(
    '%s: another tenant is a 404 that names nothing of it, whatever the capabilities',
    (routeKey) => {
      const answers = [[], [...CAPABILITIES]].map((caps) =>
        outcome(token(caps as Capability[]), routeKey, 'globex'),
      );
      for (const answer of answers) {
        expect(answer).toEqual({ status: 404, code: 'not_found', message: 'no such resource' });
      }
    },
  );

  it.each(ALL_ROUTES)('%s: an expired token is refused even where it could call', (routeKey) => {
    const expired = token([...CAPABILITIES], '2026-12-03T11:59:59.999Z');
    const answer = outcome(expired, routeKey, pathTenant(routeKey, 'acme'));
    expect(answer).toMatchObject({ status: 401, code: 'token_expired' });
    // At the expiry instant itself, too.
    expect(outcome(token([...CAPABILITIES], NOW.toISOString()), routeKey, 'acme').status).toBe(401);
  });

  it('gives the design table its exact shape', () => {
    const byCapability = Object.fromEntries(
      CAPABILITIES.map((c) => [c, ALL_ROUTES.filter((r) => expectedCapability(r) === c).sort()]),
    );
    expect(byCapability.secrets).toEqual([
      'GET /v1/tenants/{tenantId}/subscriptions/{id}/secret',
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/secret/rotate',
    ]);
    expect(byCapability.resend).toEqual([
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/redrive',
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/replay',
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/resend',
    ]);
    expect(byCapability.read).toContain('GET /v1/tenants/{tenantId}');
    expect(byCapability.read).toContain('GET /v1/tenants/{tenantId}/events/{eventId}');
    expect(byCapability.write).toContain('POST /v1/tenants/{tenantId}/subscriptions/{id}/test');
    expect(expectedCapability('GET /v1/tenants/{tenantId}/tokens')).toBe('none');
  });

  it('refuses a route no API serves to everyone but the operator', () => {
    expect(
      outcome(token([...CAPABILITIES]), 'GET /v1/tenants/{tenantId}/secrets', 'acme').status,
    ).toBe(404);
    expect(
      outcome({ kind: 'api-key', credentialId: 'd'.repeat(24), scope: 'manage' }, 'GET /admin')
        .status,
    ).toBe(404);
  });
});
