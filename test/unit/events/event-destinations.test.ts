import { describe, expect, it } from 'vitest';
import type { AttemptLog, DeliveryAttempt } from '../../../shared/delivery/attempt-log.js';
import {
  deliveryState,
  eventDestinations,
  MAX_DESTINATIONS,
} from '../../../shared/events/event-destinations.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const attempt = (
  n: number,
  result: DeliveryAttempt['result'],
  final: boolean,
  at = n,
): DeliveryAttempt => ({
  subscriptionId: 'sub_x',
  eventId: 'evt_x',
  eventType: 'a',
  attempt: n,
  attemptedAt: `2026-12-03T10:00:0${at}.000Z`,
  result,
  final,
  durationMs: 5,
  responseBody: 'secret-ish body',
});

describe('deliveryState', () => {
  it('is pending without attempts, and follows the last attempt in time otherwise', () => {
    expect(deliveryState([])).toBe('pending');
    expect(deliveryState([attempt(1, 'failed', false)])).toBe('failing');
    expect(deliveryState([attempt(1, 'failed', false), attempt(2, 'delivered', true)])).toBe(
      'delivered',
    );
    expect(deliveryState([attempt(1, 'failed', false), attempt(2, 'failed', true)])).toBe(
      'dead-lettered',
    );
    expect(deliveryState([attempt(1, 'refused', true)])).toBe('dead-lettered');
    expect(deliveryState([attempt(1, 'gone', true)])).toBe('dead-lettered');
    // A resend after a delivery that is failing now: the newest attempt decides, in any order.
    expect(deliveryState([attempt(2, 'failed', false, 5), attempt(1, 'delivered', true, 1)])).toBe(
      'failing',
    );
  });
});

const sub = (id: string, extra: Partial<Subscription> = {}): Subscription => ({
  id,
  url: 'https://example.test/hook',
  eventTypes: ['order.*'],
  maxConcurrency: 1,
  retrySchedule: [1],
  status: 'active',
  secrets: [],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
  ...extra,
});

function log(byId: Record<string, DeliveryAttempt[]>) {
  const asked: string[] = [];
  const attempts: Pick<AttemptLog, 'list'> = {
    list: async (id) => {
      asked.push(id);
      return { items: [...(byId[id] ?? [])].reverse() };
    },
  };
  return { attempts, asked };
}

const summary = {
  id: 'evt_x',
  type: 'order.paid',
  tenantId: 'acme',
  timestamp: '2026-12-03T10:00:00.000Z',
};
const envelope = { ...summary, data: { amount: 5 } };

describe('eventDestinations', () => {
  it('lists the subscriptions whose rule matches, with their attempts oldest first and no response bodies', async () => {
    const { attempts } = log({
      sub_a: [attempt(1, 'failed', false), attempt(2, 'delivered', true)],
    });
    const { deliveries } = await eventDestinations(
      { summary, envelope },
      [
        sub('sub_a'),
        sub('sub_b', { tenantId: 'acme' }),
        sub('sub_c', { tenantId: 'globex' }),
        sub('sub_d', { eventTypes: ['invoice.*'] }),
        sub('sub_e', { filter: { amount: [{ numeric: ['>', 10] }] } }),
      ],
      attempts,
      'hookbridge',
    );
    expect(deliveries.map((d) => [d.subscriptionId, d.state])).toEqual([
      ['sub_a', 'delivered'],
      ['sub_b', 'pending'],
    ]);
    expect(deliveries[0]?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(JSON.stringify(deliveries)).not.toContain('secret-ish');
    expect(deliveries[1]).toMatchObject({ tenantId: 'acme' });
  });

  it('leaves out a subscription created after the event unless it has attempts for it', async () => {
    const later = { createdAt: '2026-12-03T11:00:00.000Z' };
    const { attempts } = log({ sub_late2: [attempt(1, 'delivered', true)] });
    const { deliveries } = await eventDestinations(
      { summary, envelope },
      [sub('sub_late1', later), sub('sub_late2', later)],
      attempts,
      'hookbridge',
    );
    expect(deliveries.map((d) => d.subscriptionId)).toEqual(['sub_late2']);
  });

  it('without the payload, lists a filtered subscription only if it has attempts', async () => {
    const filtered = { filter: { amount: [5] } };
    const { attempts } = log({ sub_f2: [attempt(1, 'delivered', true)] });
    const { deliveries } = await eventDestinations(
      { summary, envelope: undefined },
      [sub('sub_f1', filtered), sub('sub_f2', filtered), sub('sub_plain')],
      attempts,
      'hookbridge',
    );
    expect(deliveries.map((d) => d.subscriptionId)).toEqual(['sub_f2', 'sub_plain']);
  });

  it(`reads at most ${MAX_DESTINATIONS} attempt logs and says it truncated`, async () => {
    const many = Array.from({ length: MAX_DESTINATIONS + 20 }, (_, i) =>
      sub(`sub_${String(i).padStart(4, '0')}`),
    );
    const { attempts, asked } = log({});
    const result = await eventDestinations({ summary, envelope }, many, attempts, 'hookbridge');
    expect(result.deliveries).toHaveLength(MAX_DESTINATIONS);
    expect(asked).toHaveLength(MAX_DESTINATIONS);
    expect(result.truncated).toBe(true);
    expect(result.deliveries[0]?.subscriptionId).toBe('sub_0000');
  });
});
