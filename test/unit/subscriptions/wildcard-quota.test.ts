import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import type { AddressPolicy } from '../../../shared/net/address-policy.js';
import type { Provisioner } from '../../../shared/provisioning/provisioner.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';
import {
  createSubscriptionSchema,
  parseBody,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';
import { SubscriptionService } from '../../../shared/subscriptions/subscription-service.js';
import type { SubscriptionStore } from '../../../shared/subscriptions/subscription-store.js';
import { MAX_WILDCARD_RULES_PER_BUS } from '../../../shared/subscriptions/wildcard-quota.js';

/** The service over an in-memory store and a provisioner that records the lanes it makes. */
function service() {
  const records = new Map<string, Subscription>();
  const provisioned: string[] = [];
  const store = {
    get: async (id: string) => records.get(id),
    all: async () => [...records.values()],
    create: async (s: Subscription) => {
      const saved = { ...s, version: 1 };
      records.set(s.id, saved);
      return saved;
    },
    save: async (s: Subscription, changes: Partial<Subscription>) => {
      const saved = { ...s, ...changes, version: s.version + 1 };
      records.set(s.id, saved);
      return saved;
    },
  } as unknown as SubscriptionStore;
  const provisioner = {
    provision: async (s: Subscription) => {
      provisioned.push(s.id);
      return { queueName: `q-${s.id}`, deadLetterQueueName: `dlq-${s.id}`, ruleName: s.id };
    },
  } as unknown as Provisioner;
  const policy = { checkUrl: async (url: string) => new URL(url) } as unknown as AddressPolicy;
  const tenants = { get: async () => undefined };
  const subscriptions = new SubscriptionService({
    store,
    tenants,
    provisioner,
    policy,
    source: 'hb',
  });

  const body = { url: 'https://hooks.example.test/x', eventTypes: ['a.b'] };
  const create = (filter?: Record<string, unknown>) =>
    subscriptions.create(
      parseBody(createSubscriptionSchema, { ...body, ...(filter && { filter }) }),
    );
  const update = (id: string, patch: Record<string, unknown>) =>
    subscriptions.update(id, parseBody(updateSubscriptionSchema, patch));
  return { create, update, records, provisioned };
}

async function refusal(action: Promise<unknown>): Promise<ApiError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const wildcard = { path: [{ wildcard: '*/lib/*' }] };
const negatedWildcard = { path: [{ 'anything-but': { wildcard: '*.tmp' } }] };

describe(`at most ${MAX_WILDCARD_RULES_PER_BUS} subscriptions per bus use the wildcard operator`, () => {
  it('refuses the 31st with a 409 naming filter, and makes no record or lane for it', async () => {
    const s = service();
    for (let i = 0; i < MAX_WILDCARD_RULES_PER_BUS; i++) {
      await s.create(i % 2 ? wildcard : negatedWildcard);
    }
    const before = s.records.size;
    const lanes = s.provisioned.length;

    const error = await refusal(s.create({ x: ['y'], ...wildcard }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('wildcard_quota_exceeded');
    expect(error.message).toMatch(/^filter: .*30/);
    expect(s.records.size).toBe(before);
    expect(s.provisioned.length).toBe(lanes);

    // Filters without wildcard, and none at all, are not limited by it.
    await s.create({ path: [{ prefix: '/lib/' }] });
    await s.create();
    expect(s.records.size).toBe(before + 2);
  });

  it('refuses a PATCH that adds wildcard when full, but lets a wildcard subscription change its own', async () => {
    const s = service();
    const users: Subscription[] = [];
    for (let i = 0; i < MAX_WILDCARD_RULES_PER_BUS; i++)
      users.push((await s.create(wildcard)).subscription);
    const plain = (await s.create({ a: ['1'] })).subscription;

    const error = await refusal(s.update(plain.id, { filter: negatedWildcard }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('wildcard_quota_exceeded');
    expect(s.records.get(plain.id)?.filter).toEqual({ a: ['1'] });

    const first = users[0] as Subscription;
    const changed = await s.update(first.id, { filter: { path: [{ wildcard: '*.png' }] } });
    expect(changed.filter).toEqual({ path: [{ wildcard: '*.png' }] });

    // Freeing a place (filter removed, or changed to no wildcard) lets another take it.
    await s.update(first.id, { filter: null });
    expect((await s.update(plain.id, { filter: negatedWildcard })).filter).toEqual(negatedWildcard);
  });

  it('does not count a field merely named wildcard', async () => {
    const s = service();
    for (let i = 0; i < MAX_WILDCARD_RULES_PER_BUS; i++) await s.create({ wildcard: ['x'] });
    await s.create(wildcard);
    expect(s.records.size).toBe(MAX_WILDCARD_RULES_PER_BUS + 1);
  });
});
