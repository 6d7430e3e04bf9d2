import { describe, expect, it } from 'vitest';
import {
  activityNoteEveryMs,
  mappingEnabled,
  mayGoCold,
  mustWake,
  parseWakeMessage,
  wakeDecision,
  wakeInput,
} from '../../../shared/provisioning/cold-lanes.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-03T12:00:00Z');

function subscription(changes: Partial<Subscription> = {}): Subscription {
  return {
    id: 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    url: 'https://example.com/hook',
    eventTypes: ['order.*'],
    maxConcurrency: 5,
    retrySchedule: [60],
    status: 'active',
    secrets: [],
    resources: {
      queueName: 'q',
      queueUrl: 'https://sqs/q',
      queueArn: 'arn:aws:sqs:us-east-1:1:q',
      deadLetterQueueName: 'q-dlq',
      ruleName: 'q',
    },
    createdAt: new Date(NOW - 48 * HOUR).toISOString(),
    updatedAt: new Date(NOW - 48 * HOUR).toISOString(),
    version: 3,
    ...changes,
  };
}

describe('going cold', () => {
  it('takes an active hot lane idle for the whole period, counted from its last activity', () => {
    expect(mayGoCold(subscription(), NOW, 24 * HOUR)).toBe(true);
    const recent = new Date(NOW - 23 * HOUR).toISOString();
    expect(mayGoCold(subscription({ lastActiveAt: recent }), NOW, 24 * HOUR)).toBe(false);
    const old = new Date(NOW - 24 * HOUR).toISOString();
    expect(mayGoCold(subscription({ lastActiveAt: old }), NOW, 24 * HOUR)).toBe(true);
  });

  it('counts from creation for a lane that never delivered', () => {
    const created = new Date(NOW - HOUR).toISOString();
    expect(mayGoCold(subscription({ createdAt: created }), NOW, 24 * HOUR)).toBe(false);
  });

  it('never takes a lane when cold lanes are off, nor one paused, disabled, cold or unmade', () => {
    expect(mayGoCold(subscription(), NOW, 0)).toBe(false);
    for (const status of ['paused', 'disabled', 'provisioning', 'failed', 'deleting'] as const) {
      expect(mayGoCold(subscription({ status }), NOW, 24 * HOUR)).toBe(false);
    }
    expect(mayGoCold(subscription({ lane: 'cold' }), NOW, 24 * HOUR)).toBe(false);
    expect(mayGoCold(subscription({ resources: undefined }), NOW, 24 * HOUR)).toBe(false);
  });

  it('keeps the mapping enabled only for a live hot lane', () => {
    expect(mappingEnabled({ status: 'active' })).toBe(true);
    expect(mappingEnabled({ status: 'active', lane: 'hot' })).toBe(true);
    expect(mappingEnabled({ status: 'provisioning' })).toBe(true);
    expect(mappingEnabled({ status: 'active', lane: 'cold' })).toBe(false);
    expect(mappingEnabled({ status: 'paused' })).toBe(false);
    expect(mappingEnabled({ status: 'paused', lane: 'hot' })).toBe(false);
  });
});

describe('waking', () => {
  it('wakes a cold active lane, finds a hot one awake, drops everything else', () => {
    expect(wakeDecision(subscription({ lane: 'cold' }))).toBe('wake');
    expect(wakeDecision(subscription({ lane: 'hot' }))).toBe('already-hot');
    expect(wakeDecision(subscription())).toBe('already-hot');
    expect(wakeDecision(undefined)).toBe('drop');
    for (const status of ['paused', 'disabled', 'deleting', 'failed', 'provisioning'] as const) {
      expect(wakeDecision(subscription({ status, lane: 'cold' }))).toBe('drop');
    }
  });

  it('has the reconciler wake a cold lane whose queue holds a message, or all when off', () => {
    const cold = subscription({ lane: 'cold' });
    expect(mustWake(cold, 0, 24 * HOUR)).toBe(false);
    expect(mustWake(cold, 1, 24 * HOUR)).toBe(true);
    expect(mustWake(cold, 0, 0)).toBe(true);
    expect(mustWake(subscription({ lane: 'cold', status: 'paused' }), 5, 24 * HOUR)).toBe(false);
    expect(mustWake(subscription(), 5, 24 * HOUR)).toBe(false);
  });
});

describe('wake messages', () => {
  it('carry the subscription id and the event time, as the input transformer writes them', () => {
    const { InputTemplate, InputPathsMap } = wakeInput('sub_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(InputPathsMap).toEqual({ time: '$.time' });
    const body = InputTemplate.replace('<time>', '2026-12-03T12:00:00Z');
    expect(parseWakeMessage(body)).toEqual({
      wake: 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      eventTime: '2026-12-03T12:00:00Z',
    });
  });

  it('are told from anything else on the queue', () => {
    for (const body of ['', 'not json', 'null', '42', '"sub_x"', '{}', '{"wake":7}', '[]']) {
      expect(parseWakeMessage(body)).toBeUndefined();
    }
    expect(parseWakeMessage('{"wake":"sub_x","eventTime":5}')).toEqual({ wake: 'sub_x' });
  });
});

describe('activity notes', () => {
  it('are hourly, or twice per idle period when that is shorter', () => {
    expect(activityNoteEveryMs(24 * HOUR)).toBe(HOUR);
    expect(activityNoteEveryMs(0)).toBe(HOUR);
    expect(activityNoteEveryMs(4000)).toBe(2000);
  });
});
