import { describe, expect, it } from 'vitest';
import { createApiKeySchema, createTokenSchema } from '../../../shared/access/access-schema.js';
import { toTokenView } from '../../../shared/access/access-types.js';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((i) => i.path.join('.'));

describe('the token body', () => {
  it('defaults to one hour of read', () => {
    expect(createTokenSchema.parse({})).toEqual({ ttlSeconds: 3600, capabilities: ['read'] });
  });

  it('takes 300 to 604800 seconds, whole', () => {
    expect(createTokenSchema.parse({ ttlSeconds: 300 }).ttlSeconds).toBe(300);
    expect(createTokenSchema.parse({ ttlSeconds: 604_800 }).ttlSeconds).toBe(604_800);
    for (const ttlSeconds of [299, 604_801, 3600.5, '3600', null, -1, 0])
      expect(issues(createTokenSchema.safeParse({ ttlSeconds })), String(ttlSeconds)).toEqual([
        'ttlSeconds',
      ]);
  });

  it('takes a non-empty set of known capabilities', () => {
    expect(createTokenSchema.parse({ capabilities: ['write', 'read'] }).capabilities).toEqual([
      'write',
      'read',
    ]);
    for (const capabilities of [[], ['admin'], ['read', 'read'], 'read', [1]])
      expect(issues(createTokenSchema.safeParse({ capabilities }))?.[0]).toMatch(/^capabilities/);
  });

  it('refuses unknown fields and long descriptions', () => {
    expect(issues(createTokenSchema.safeParse({ tenantId: 'globex' }))).toEqual(['']);
    expect(issues(createTokenSchema.safeParse({ description: 'x'.repeat(201) }))).toEqual([
      'description',
    ]);
  });
});

describe('the API key body', () => {
  it('needs a name and a scope; a tenant only with publish', () => {
    expect(createApiKeySchema.parse({ name: 'ci', scope: 'publish', tenantId: 'acme' })).toEqual({
      name: 'ci',
      scope: 'publish',
      tenantId: 'acme',
    });
    expect(
      issues(createApiKeySchema.safeParse({ name: 'ci', scope: 'manage', tenantId: 'acme' })),
    ).toEqual(['tenantId']);
    expect(issues(createApiKeySchema.safeParse({ scope: 'manage' }))).toEqual(['name']);
    expect(
      issues(createApiKeySchema.safeParse({ name: 'x'.repeat(101), scope: 'manage' })),
    ).toEqual(['name']);
    expect(issues(createApiKeySchema.safeParse({ name: 'ci', scope: 'admin' }))).toEqual(['scope']);
    expect(
      issues(createApiKeySchema.safeParse({ name: 'ci', scope: 'publish', tenantId: '*' })),
    ).toEqual(['tenantId']);
  });
});

describe('a token’s listed state', () => {
  const token = {
    id: 'a'.repeat(24),
    tenantId: 'acme',
    capabilities: ['read'] as const,
    createdAt: '2026-12-03T12:00:00.000Z',
    expiresAt: '2026-12-03T13:00:00.000Z',
    secretHash: 'hash',
  };
  const tenant = { createdAt: '2026-12-01T00:00:00.000Z' };

  it('is active, then expired at its expiry, and never shows the hash', () => {
    const view = toTokenView(token, new Date('2026-12-03T12:59:59.999Z'), tenant);
    expect(view.status).toBe('active');
    expect(view).not.toHaveProperty('secretHash');
    expect(toTokenView(token, new Date(token.expiresAt), tenant).status).toBe('expired');
  });

  it('is revoked one by one, by a revoke-all at or after its creation, or predating its tenant', () => {
    const at = new Date('2026-12-03T12:30:00.000Z');
    expect(
      toTokenView({ ...token, revokedAt: '2026-12-03T12:10:00.000Z' }, at, tenant).status,
    ).toBe('revoked');
    expect(toTokenView(token, at, { ...tenant, tokensRevokedBefore: token.createdAt }).status).toBe(
      'revoked',
    );
    expect(
      toTokenView(token, at, { ...tenant, tokensRevokedBefore: '2026-12-03T11:59:59.999Z' }).status,
    ).toBe('active');
    expect(toTokenView(token, at, { createdAt: '2026-12-03T12:00:00.001Z' }).status).toBe(
      'revoked',
    );
  });
});
