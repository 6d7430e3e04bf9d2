import { describe, expect, it } from 'vitest';
import { isThrottled } from '../../../shared/aws/control-plane.js';
import type { AddressPolicy } from '../../../shared/net/address-policy.js';
import { DEFERRED_REASON } from '../../../shared/provisioning/deferred.js';
import type { LaneSurvey, Provisioner } from '../../../shared/provisioning/provisioner.js';
import { reconcile } from '../../../shared/provisioning/reconciler.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';
import { SubscriptionService } from '../../../shared/subscriptions/subscription-service.js';
import type { SubscriptionStore } from '../../../shared/subscriptions/subscription-store.js';

// A burst of creations against control planes that throttle: every subscription is answered
// (201), none is `failed`, the throttled ones wait as `provisioning`, and reconciler passes
// finish them all.

function memoryStore() {
  const byId = new Map<string, Subscription>();
  const store = {
    create: async (record: Subscription) => {
      byId.set(record.id, record);
      return record;
    },
    get: async (id: string) => byId.get(id),
    all: async () => [...byId.values()],
    save: async (record: Subscription, changes: Partial<Subscription>) => {
      const current = byId.get(record.id);
      const saved = {
        ...(current ?? record),
        ...changes,
        version: (current ?? record).version + 1,
      } as Subscription;
      byId.set(record.id, saved);
      return saved;
    },
    remove: async (id: string) => {
      byId.delete(id);
    },
  };
  return { store: store as unknown as SubscriptionStore, byId };
}

const throttling = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

/**
 * Lane calls that AWS throttles beyond `limit` at once (what a rate quota does to a burst);
 * `failWith` makes every call fail otherwise.
 */
function throttlingProvisioner(limit: number, failWith?: Error) {
  let inFlight = 0;
  const provisioned = new Set<string>();
  const provisioner = {
    survey: async (): Promise<LaneSurvey> => ({
      owners: new Set(provisioned),
      queueUrls: new Map(),
      rules: new Map(),
      mappings: new Map(),
    }),
    provision: async (subscription: Subscription) => {
      if (failWith) throw failWith;
      if (inFlight >= limit) throw throttling();
      inFlight++;
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        provisioned.add(subscription.id);
        return { queueName: 'q', deadLetterQueueName: 'd', ruleName: 'r' };
      } finally {
        inFlight--;
      }
    },
    inspect: async () => [],
    deprovision: async () => {},
  };
  return { provisioner: provisioner as unknown as Provisioner, provisioned };
}

function service(store: SubscriptionStore, provisioner: Provisioner) {
  return new SubscriptionService({
    store,
    tenants: { get: async () => undefined },
    provisioner,
    policy: { checkUrl: async () => {} } as unknown as AddressPolicy,
    source: 'hb',
  });
}

const input = (n: number) => ({
  url: `https://example.com/hooks/${n}`,
  eventTypes: ['order.created'],
  maxConcurrency: 5,
  retrySchedule: [5, 300],
});

describe('a burst of creations against throttling control planes', () => {
  it('answers all 1,000, fails none, and the reconciler finishes the deferred ones', async () => {
    const { store, byId } = memoryStore();
    const aws = throttlingProvisioner(5);
    const api = service(store, aws.provisioner);
    const created = await Promise.all(Array.from({ length: 1000 }, (_, n) => api.create(input(n))));
    const statuses = (list: readonly Subscription[]) =>
      list.reduce<Record<string, number>>((counts, s) => {
        counts[s.status] = (counts[s.status] ?? 0) + 1;
        return counts;
      }, {});
    const answered = statuses(created.map((c) => c.subscription));
    expect(answered.failed).toBeUndefined();
    expect(answered.provisioning).toBeGreaterThan(900);
    for (const { subscription } of created) {
      if (subscription.status === 'provisioning')
        expect(subscription.statusReason).toBe(DEFERRED_REASON);
    }

    // Passes 4 at a time, under the limit: the first finishes every deferred lane.
    const report = await reconcile({ store, provisioner: aws.provisioner, concurrency: 4 });
    expect(report.errors).toEqual([]);
    expect(statuses([...byId.values()])).toEqual({ active: 1000 });
    expect(aws.provisioned.size).toBe(1000);
    expect([...byId.values()].every((s) => s.statusReason === undefined)).toBe(true);
  });

  it('fails a creation the bus has no room for (LimitExceededException is a quota, not a throttle)', async () => {
    const { store } = memoryStore();
    const full = Object.assign(
      new Error('The requested resource exceeds the maximum number allowed.'),
      {
        name: 'LimitExceededException',
        $metadata: { httpStatusCode: 400 },
      },
    );
    const { subscription } = await service(
      store,
      throttlingProvisioner(5, full).provisioner,
    ).create(input(1));
    expect(subscription.status).toBe('failed');
    expect(isThrottled(full)).toBe(false);
    expect(
      isThrottled(Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } })),
    ).toBe(true);
    expect(isThrottled(Object.assign(new Error('x'), { name: 'TooManyRequestsException' }))).toBe(
      true,
    );
    expect(isThrottled('ThrottlingException')).toBe(false);
  });

  it('still fails a creation on an error that is not throttling', async () => {
    const { store } = memoryStore();
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const { subscription } = await service(
      store,
      throttlingProvisioner(5, denied).provisioner,
    ).create(input(1));
    expect(subscription).toMatchObject({
      status: 'failed',
      statusReason: 'AccessDeniedException: not authorized',
    });
  });
});
