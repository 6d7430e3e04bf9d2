import { describe, expect, it } from 'vitest';
import { assertMayPublish, principalOf } from '../../../shared/access/principal.js';
import { ApiError } from '../../../shared/errors.js';
import { apiGatewayEvent } from '../../support/api-gateway-event.js';

function withContext(lambda: unknown) {
  const event = apiGatewayEvent('GET /v1/tenants/{tenantId}');
  Object.assign(event.requestContext, { authorizer: { lambda } });
  return event;
}

function thrown(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  return undefined;
}

describe('principalOf', () => {
  it('is the operator without an authorizer context (the IAM API, or local without Bearer)', () => {
    expect(principalOf(apiGatewayEvent('GET /v1/subscriptions'))).toEqual({ kind: 'operator' });
    const iam = apiGatewayEvent('GET /v1/subscriptions');
    Object.assign(iam.requestContext, { authorizer: { iam: { accessKey: 'AKIA' } } });
    expect(principalOf(iam)).toEqual({ kind: 'operator' });
  });

  it('reads a token, an API key and a tenant-bound publish key as the authorizer writes them', () => {
    expect(
      principalOf(
        withContext({
          kind: 'token',
          credentialId: 'a'.repeat(24),
          tenantId: 'acme',
          capabilities: 'read,write',
          expiresAt: '2026-12-03T13:00:00.000Z',
        }),
      ),
    ).toEqual({
      kind: 'token',
      credentialId: 'a'.repeat(24),
      tenantId: 'acme',
      capabilities: ['read', 'write'],
      expiresAt: '2026-12-03T13:00:00.000Z',
    });
    expect(
      principalOf(withContext({ kind: 'api-key', credentialId: 'b', scope: 'manage' })),
    ).toEqual({ kind: 'api-key', credentialId: 'b', scope: 'manage' });
    expect(
      principalOf(
        withContext({ kind: 'api-key', credentialId: 'b', scope: 'publish', tenantId: 'acme' }),
      ),
    ).toEqual({ kind: 'api-key', credentialId: 'b', scope: 'publish', tenantId: 'acme' });
    expect(
      principalOf(
        withContext({
          kind: 'console',
          credentialId: 'c'.repeat(24),
          expiresAt: '2026-12-03T13:00:00.000Z',
        }),
      ),
    ).toEqual({
      kind: 'console',
      credentialId: 'c'.repeat(24),
      expiresAt: '2026-12-03T13:00:00.000Z',
    });
  });

  it('refuses (403) a forged console-session context: missing, bad or extra fields', () => {
    const session = {
      kind: 'console',
      credentialId: 'c'.repeat(24),
      expiresAt: '2026-12-03T13:00:00Z',
    };
    for (const lambda of [
      { kind: 'console' },
      { kind: 'console', credentialId: 'c'.repeat(24) },
      { kind: 'console', expiresAt: session.expiresAt },
      { ...session, credentialId: '' },
      { ...session, credentialId: 7 },
      { ...session, expiresAt: 'never' },
      { ...session, expiresAt: '' },
      { ...session, expiresAt: 1_800_000_000_000 },
      // A session belongs to no tenant and has no scope to narrow it: such a context is forged.
      { ...session, tenantId: 'acme' },
      { ...session, tenantId: '' },
      { ...session, scope: 'manage' },
      { ...session, capabilities: 'read' },
      { ...session, kind: 'Console' },
      { ...session, kind: 'console-session' },
    ]) {
      expect(thrown(() => principalOf(withContext(lambda)))?.status, JSON.stringify(lambda)).toBe(
        403,
      );
    }
  });

  it('refuses (403) a context it does not recognise instead of falling back to the operator', () => {
    for (const lambda of [
      {},
      { kind: 'operator' },
      { kind: 'api-key', credentialId: 'b', scope: 'admin' },
      { kind: 'api-key', credentialId: 'b', scope: 'manage', tenantId: 'acme' },
      { kind: 'api-key', scope: 'manage' },
      { kind: 'api-key', credentialId: 'b', scope: 'publish', tenantId: '' },
      { kind: 'api-key', credentialId: 'b', scope: 'publish', tenantId: '*' },
      { kind: 'api-key', credentialId: 'b', scope: 'publish', tenantId: 7 },
      { kind: 'token', credentialId: 'a', capabilities: 'read', expiresAt: '2026-12-03T13:00:00Z' },
      {
        kind: 'token',
        credentialId: 'a',
        tenantId: 'acme',
        capabilities: 'read,root',
        expiresAt: '2026-12-03T13:00:00Z',
      },
      { kind: 'token', credentialId: 'a', tenantId: 'acme', capabilities: 'read' },
      {
        kind: 'token',
        credentialId: 'a',
        tenantId: 'acme',
        capabilities: 'read',
        expiresAt: 'never',
      },
      'token',
    ]) {
      expect(thrown(() => principalOf(withContext(lambda)))?.status, JSON.stringify(lambda)).toBe(
        403,
      );
    }
  });
});

describe('assertMayPublish', () => {
  const bound = { kind: 'api-key', credentialId: 'k', scope: 'publish', tenantId: 'acme' } as const;

  it('lets a tenant-bound key publish its own tenant’s events, single and batch', () => {
    expect(thrown(() => assertMayPublish(bound, [{ tenantId: 'acme' }], false))).toBeUndefined();
    expect(
      thrown(() => assertMayPublish(bound, [{ tenantId: 'acme' }, { tenantId: 'acme' }], true)),
    ).toBeUndefined();
  });

  it('refuses a missing tenant, another tenant or a broadcast, naming the field', () => {
    for (const event of [{}, { tenantId: 'globex' }, { tenantId: '*' }, { tenantId: 'ACME' }]) {
      const error = thrown(() => assertMayPublish(bound, [event], false));
      expect(error).toMatchObject({ status: 403, code: 'forbidden' });
      expect(error?.details).toEqual([{ field: 'tenantId', message: expect.any(String) }]);
    }
    const batch = [
      { tenantId: 'acme' },
      { tenantId: 'acme' },
      { tenantId: 'acme' },
      { tenantId: '*' },
    ];
    const error = thrown(() => assertMayPublish(bound, batch, true));
    expect(error?.status).toBe(403);
    expect(error?.details?.map((d) => d.field)).toEqual(['events[3].tenantId']);
  });

  it('leaves other keys and the operator free to name any tenant', () => {
    for (const principal of [
      { kind: 'operator' },
      { kind: 'api-key', credentialId: 'k', scope: 'publish' },
      { kind: 'api-key', credentialId: 'k', scope: 'manage' },
    ] as const) {
      expect(
        thrown(() => assertMayPublish(principal, [{}, { tenantId: '*' }], true)),
      ).toBeUndefined();
    }
  });

  it('refuses a token outright', () => {
    const token = {
      kind: 'token',
      credentialId: 't',
      tenantId: 'acme',
      capabilities: ['read', 'write', 'secrets', 'resend'],
      expiresAt: '2999-01-01T00:00:00.000Z',
    } as const;
    expect(thrown(() => assertMayPublish(token, [{ tenantId: 'acme' }], false))?.status).toBe(403);
  });
});
