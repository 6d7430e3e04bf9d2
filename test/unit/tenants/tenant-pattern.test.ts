import { describe, expect, it } from 'vitest';
import { parseBatchInput, parseEventInput } from '../../../shared/events/event-schema.js';
import { buildEventPattern } from '../../../shared/subscriptions/event-pattern.js';
import {
  assertPatternFits,
  createSubscriptionSchema,
  parseBody,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';
import { isTenantId, tenantMayReceive } from '../../../shared/tenants/tenant.js';

describe('the tenant condition of a rule pattern', () => {
  it("requires the detail tenant to be the subscription's or the broadcast marker", () => {
    expect(buildEventPattern('hb', ['order.*'], undefined, 'acme')).toEqual({
      source: ['hb'],
      'detail-type': [{ prefix: 'order.' }],
      detail: { tenantId: ['acme', '*'] },
    });
    expect(buildEventPattern('hb', ['*'], { amount: [1] }, 'acme')).toEqual({
      source: ['hb'],
      detail: { tenantId: ['acme', '*'], data: { amount: [1] } },
    });
  });

  it('is absent for an operator subscription, which sees every tenant', () => {
    expect(buildEventPattern('hb', ['*'], { amount: [1] })).toEqual({
      source: ['hb'],
      detail: { data: { amount: [1] } },
    });
  });

  it('cannot be loosened by a filter: a filter naming tenantId or $or stays under data', () => {
    const filter = {
      tenantId: [{ prefix: '' }],
      $or: [{ a: [1] }, { tenantId: [{ exists: true }] }],
    };
    const pattern = buildEventPattern('hb', ['*'], filter, 'acme') as {
      detail: Record<string, unknown>;
    };
    expect(pattern.detail.tenantId).toEqual(['acme', '*']);
    expect(pattern.detail.data).toEqual(filter);
    expect(Object.keys(pattern.detail).sort()).toEqual(['data', 'tenantId']);
  });

  it('counts against the 2048-character pattern limit', () => {
    const tenant = `t${'x'.repeat(63)}`;
    // A filter that fits without the tenant condition but not with it.
    const base = JSON.stringify(buildEventPattern('hb', ['*'], { k: ['v'] })).length;
    const filter = { k: ['v'.repeat(2048 - base)] };
    expect(() => assertPatternFits('hb', ['*'], filter)).not.toThrow();
    expect(() => assertPatternFits('hb', ['*'], filter, tenant)).toThrow(/2048/);
  });
});

describe('tenant ids', () => {
  it.each([['acme'], ['Acme-1'], ['cust_42.eu'], ['9'], [`a${'b'.repeat(63)}`]])(
    'accepts %j',
    (id) => expect(isTenantId(id)).toBe(true),
  );

  it.each([
    [''],
    ['*'],
    ['-a'],
    ['.a'],
    ['_a'],
    ['a b'],
    ['a/b'],
    ['a%2F'],
    ['a"b'],
    ['a\\b'],
    ['аcme'],
    ['acme\n'],
    [`a${'b'.repeat(64)}`],
    [['acme']],
    [null],
    [42],
  ])('refuses %j', (id) => expect(isTenantId(id)).toBe(false));

  it('match exactly: no case folding, and broadcast only by "*"', () => {
    expect(tenantMayReceive('acme', 'acme')).toBe(true);
    expect(tenantMayReceive('acme', '*')).toBe(true);
    for (const other of ['Acme', 'ACME', 'acme ', ['acme'], ['*'], undefined, null, '', '**'])
      expect(tenantMayReceive('acme', other)).toBe(false);
    expect(tenantMayReceive(undefined, 'globex')).toBe(true);
  });
});

describe('tenantId in request bodies', () => {
  it('is optional on events, a tenant id or "*", and refused otherwise with the field named', () => {
    expect(parseEventInput({ type: 'a', data: {} })).not.toHaveProperty('tenantId');
    expect(parseEventInput({ type: 'a', data: {}, tenantId: 'acme' }).tenantId).toBe('acme');
    expect(parseEventInput({ type: 'a', data: {}, tenantId: '*' }).tenantId).toBe('*');
    for (const tenantId of ['', '**', '*a', 'a*', null, ['acme'], { id: 'acme' }, 1, 'аcme']) {
      expect(() => parseEventInput({ type: 'a', data: {}, tenantId })).toThrow(/^tenantId: /);
    }
    expect(() =>
      parseBatchInput({
        events: [
          { type: 'a', data: {} },
          { type: 'a', data: {}, tenantId: '' },
        ],
      }),
    ).toThrow(/^events\[1\]\.tenantId: /);
  });

  it('is set on a subscription at creation and cannot be patched', () => {
    const body = { url: 'https://x.example/h', eventTypes: ['a'] };
    expect(parseBody(createSubscriptionSchema, { ...body, tenantId: 'acme' }).tenantId).toBe(
      'acme',
    );
    expect(() => parseBody(createSubscriptionSchema, { ...body, tenantId: '*' })).toThrow(
      /^tenantId: /,
    );
    expect(() => parseBody(updateSubscriptionSchema, { tenantId: 'globex' })).toThrow(/tenantId/);
  });
});
