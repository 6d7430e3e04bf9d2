import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import { parseBatchInput, parseEventInput } from '../../../shared/events/event-schema.js';
import { errorResponse } from '../../../shared/http/api-gateway.js';
import { parseStrictJson } from '../../../shared/http/strict-json.js';
import {
  createSubscriptionSchema,
  parseBody,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';

// A Lambda response may be at most 6 MB; past it API Gateway answers 500. Every problem used to
// be listed, so a 1 MB body of 100k bad items got a 25–40 MB answer. Found by fuzzing.

const base = { url: 'https://hooks.example.test/x', eventTypes: ['order.created'] };
const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

/** The HTTP answer to a body, as the API would send it. */
function answer(parse: (body: unknown) => unknown, body: unknown) {
  try {
    parse(parseStrictJson(JSON.stringify(body)));
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return errorResponse(error as ValidationError);
  }
  throw new Error('accepted');
}

describe('a body with 20k–50k problems gets a small 400', () => {
  it.each([
    ['bad event types', { ...base, eventTypes: many(50_000, () => 1) }],
    [
      'bad header names',
      { ...base, headers: Object.fromEntries(many(20_000, (i) => [`bad name ${i}`, 'v'])) },
    ],
    ['bad retry delays', { ...base, retrySchedule: many(50_000, () => 'x') }],
    ['unknown fields', { ...base, ...Object.fromEntries(many(20_000, (i) => [`k${i}`, 1])) }],
    ['one huge unknown field', { ...base, ['k'.repeat(1_000_000)]: 1 }],
  ])('subscription with %s', (_name, body) => {
    for (const schema of [createSubscriptionSchema, updateSubscriptionSchema]) {
      const response = answer((b) => parseBody(schema, b), body);
      expect(response.statusCode).toBe(400);
      expect(String(response.body).length).toBeLessThan(20_000);
      const { error } = JSON.parse(String(response.body));
      expect(error.details.length).toBeGreaterThan(0);
      expect(error.details.length).toBeLessThanOrEqual(10);
    }
  });

  it('says how many more problems there are', () => {
    const response = answer((b) => parseBody(createSubscriptionSchema, b), {
      ...base,
      retrySchedule: many(25, () => 'x'),
    });
    expect(JSON.parse(String(response.body)).error.message).toMatch(/\(and \d+ more\)$/);
  });

  it.each([
    ['an event', 1, (b: unknown) => parseEventInput(b)],
    ['a batch', 5, (b: unknown) => parseBatchInput({ events: many(5, () => b) })],
  ])('%s with 20k unknown fields', (_name, events, parse) => {
    const n = 20_000 / events;
    const event = { type: 'a.b', data: {}, ...Object.fromEntries(many(n, (i) => [`k${i}`, 1])) };
    const response = answer(parse, event);
    expect(response.statusCode).toBe(400);
    expect(String(response.body).length).toBeLessThan(20_000);
    const { error } = JSON.parse(String(response.body));
    expect(error.details).toHaveLength(events);
    expect(error.details[0].message).toMatch(
      new RegExp(`^unknown fields "k0", "k1", .*"k9" and ${n - 10} more$`),
    );
  });
});
