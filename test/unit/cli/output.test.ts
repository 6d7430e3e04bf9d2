import { describe, expect, it } from 'vitest';
import { formatDeliveries, formatDeliveryDetails } from '../../../cli/commands/deliveries.js';
import { quickstart } from '../../../cli/commands/dev.js';
import { formatDeliveryLine } from '../../../cli/commands/listen.js';
import {
  formatDuration,
  formatSeconds,
  formatTable,
  formatTimestamp,
  truncate,
} from '../../../cli/output.js';
import {
  formatSubscription,
  formatSubscriptionTable,
  type SubscriptionView,
} from '../../../cli/subscription-view.js';

const subscription: SubscriptionView = {
  id: 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
  url: 'https://example.com/hooks',
  eventTypes: ['order.created', 'invoice.*'],
  filter: { amount: [{ numeric: ['>', 100] }] },
  headers: { 'X-Team': 'payments' },
  maxConcurrency: 10,
  retrySchedule: [5, 300, 1800, 7200],
  status: 'active',
  createdAt: '2024-05-01T12:00:01.123Z',
  updatedAt: '2024-05-01T12:30:00.000Z',
};

describe('tables', () => {
  it('aligns columns by the widest cell, counting ✓ and … as one column', () => {
    expect(
      formatTable(
        ['A', 'B', 'C'],
        [
          ['✓ ok', 'x', ''],
          ['long value', 'yy', 'z'],
        ],
      ),
    ).toBe(['A           B   C', '✓ ok        x', 'long value  yy  z'].join('\n'));
  });

  it('shows delivery attempts with time, event, attempt, result, status, duration and error', () => {
    const table = formatDeliveries([
      {
        eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
        eventType: 'order.created',
        attempt: 2,
        attemptedAt: '2024-05-01T12:00:06.500Z',
        result: 'delivered',
        final: true,
        statusCode: 200,
        durationMs: 87.4,
      },
      {
        eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
        eventType: 'order.created',
        attempt: 1,
        attemptedAt: '2024-05-01T12:00:01.000Z',
        result: 'failed',
        final: false,
        durationMs: 15_000,
        error: 'timeout\nafter 15 s',
        nextAttemptAt: '2024-05-01T12:00:06.000Z',
      },
    ]).split('\n');
    expect(table[0]).toMatch(
      /^TIME \(UTC\) +EVENT +TYPE +ATTEMPT +RESULT +STATUS +DURATION +ERROR$/,
    );
    expect(table[1]).toMatch(
      /^2024-05-01 12:00:06 +evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D +order\.created +2 +delivered +200 +87 ms$/,
    );
    expect(table[2]).toMatch(/^2024-05-01 12:00:01 .* 1 +failed +- +15\.0 s +timeout after 15 s$/);
  });

  it('shows each attempt in full with --verbose: the request headers in order, the response', () => {
    const text = formatDeliveryDetails([
      {
        eventId: 'evt_1',
        eventType: 't',
        attempt: 2,
        attemptedAt: '2024-05-01T12:00:00Z',
        result: 'failed',
        final: false,
        statusCode: 503,
        durationMs: 12,
        responseBody: 'busy\u001b[31m\nretry',
        nextAttemptAt: '2024-05-01T12:05:00Z',
        requestUrl: 'https://example.com/hooks',
        requestBodyBytes: 321,
        requestHeaders: [
          { name: 'x-ref', value: 'a' },
          { name: 'webhook-id', value: 'evt_1' },
        ],
        requestHeadersTruncated: true,
      },
      {
        eventId: 'evt_0',
        eventType: 't',
        attempt: 1,
        attemptedAt: '2024-05-01T11:00:00Z',
        result: 'delivered',
        final: true,
        statusCode: 200,
        durationMs: 5,
      },
    ]);
    const lines = text.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '2024-05-01 12:00:00  evt_1 #2  failed',
      '  request: POST https://example.com/hooks (321 bytes)',
      '    x-ref: a',
      '    webhook-id: evt_1',
      '    (more custom headers were sent, not kept)',
      '  response: 503 in 12 ms',
      '    busy [31m retry',
      '  next attempt: 2024-05-01 12:05:00',
    ]);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('request: not recorded');
  });

  it('marks the last failed attempt as final', () => {
    const table = formatDeliveries([
      {
        eventId: 'evt_1',
        eventType: 't',
        attempt: 8,
        attemptedAt: '2024-05-01T12:00:00Z',
        result: 'failed',
        final: true,
        statusCode: 500,
        durationMs: 3,
      },
    ]);
    expect(table).toContain('failed (final)');
  });

  it('lists subscriptions one per row', () => {
    const lines = formatSubscriptionTable([subscription]).split('\n');
    expect(lines[0]).toMatch(/^ID +STATUS +URL +EVENT TYPES +CREATED \(UTC\)$/);
    expect(lines[1]).toMatch(
      /^sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C +active +https:\/\/example\.com\/hooks +order\.created,invoice\.\* +2024-05-01 12:00:01$/,
    );
  });
});

describe('one subscription', () => {
  it('shows its fields, the schedule in units, and leaves out absent ones', () => {
    const text = formatSubscription({ ...subscription, secret: 'whsec_abc' });
    expect(text).toContain('event types      order.created, invoice.*');
    expect(text).toContain('retry schedule   5s, 5m, 30m, 2h');
    expect(text).toContain('filter           {"amount":[{"numeric":[">",100]}]}');
    expect(text).toContain('headers          X-Team: payments');
    expect(text).toContain('secret           whsec_abc');
    expect(text).not.toContain('description');
    expect(text).not.toContain('metadata');
  });
});

describe('values', () => {
  it('formats times in UTC, durations and delays', () => {
    expect(formatTimestamp('2024-05-01T12:00:01.999+02:00')).toBe('2024-05-01 10:00:01');
    expect(formatTimestamp(undefined)).toBe('-');
    expect(formatDuration(12.6)).toBe('13 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatSeconds(5)).toBe('5s');
    expect(formatSeconds(90)).toBe('90s');
    expect(formatSeconds(36_000)).toBe('10h');
    expect(formatSeconds(172_800)).toBe('2d');
    expect(truncate('a\nb  c', 10)).toBe('a b c');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
  });

  it('prints one line per received delivery', () => {
    const base = {
      receivedAt: new Date('2024-05-01T12:00:01Z'),
      id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
      type: 'order.created',
      body: {},
    };
    expect(formatDeliveryLine({ ...base, verified: true, status: 204 })).toBe(
      '12:00:01  evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D  order.created  ✓ verified  → 204',
    );
    expect(formatDeliveryLine({ ...base, verified: false, status: 401 })).toContain(
      '✗ invalid signature  → 401',
    );
    expect(formatDeliveryLine({ ...base, verified: null, status: 500 })).toContain(
      'not verified (no secret)  → 500',
    );
  });

  it('points the quickstart at a runtime on another port', () => {
    expect(quickstart('http://127.0.0.1:4000')).not.toContain('--endpoint');
    const text = quickstart('http://127.0.0.1:5123');
    expect(text).toContain('hookbridge listen --endpoint http://127.0.0.1:5123');
    expect(text).toContain(
      "hookbridge subscriptions create --endpoint http://127.0.0.1:5123 --url http://127.0.0.1:4400/webhook --event-types '*'",
    );
    expect(text).toContain(
      `hookbridge send order.created --endpoint http://127.0.0.1:5123 --data '{"id":1}'`,
    );
  });
});
