import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import {
  createSubscriptionSchema,
  parseBody,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';

// Patterns derived from EventBridge's operator documentation and the rules of its engine
// (aws/event-ruler's rule compiler): each valid one must be accepted as a subscription filter,
// each invalid one refused with a 400 naming where in the filter it is wrong. The file is
// read with JSON.parse, as a request body is, so keys like "__proto__" stay own keys.
interface Corpus {
  valid: { name: string; filter: Record<string, unknown> }[];
  invalid: { name: string; filter: Record<string, unknown>; path: string }[];
}
const corpus = JSON.parse(
  readFileSync(new URL('./event-pattern-corpus.json', import.meta.url), 'utf8'),
) as Corpus;

const base = { url: 'https://hooks.example.test/x', eventTypes: ['order.created'] };

function refusal(parse: () => unknown): ValidationError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('filters EventBridge accepts', () => {
  it.each(corpus.valid.map((c) => [c.name, c.filter] as const))('%s', (_name, filter) => {
    const created = parseBody(createSubscriptionSchema, { ...base, filter });
    expect(created.filter).toEqual(filter);
    expect(parseBody(updateSubscriptionSchema, { filter }).filter).toEqual(filter);
  });
});

describe('filters EventBridge refuses', () => {
  it.each(corpus.invalid.map((c) => [c.name, c.filter, c.path] as const))(
    '%s: 400 naming filter %s',
    (_name, filter, path) => {
      for (const parse of [
        () => parseBody(createSubscriptionSchema, { ...base, filter }),
        () => parseBody(updateSubscriptionSchema, { filter }),
      ]) {
        const error = refusal(parse);
        expect(error.status).toBe(400);
        expect(error.code).toBe('validation_error');
        expect(error.message).toContain(`filter: ${path}: `);
      }
    },
  );
});

describe('the corpus itself', () => {
  it('is large enough to mean something and has no duplicate names', () => {
    expect(corpus.valid.length).toBeGreaterThanOrEqual(30);
    expect(corpus.invalid.length).toBeGreaterThanOrEqual(60);
    const names = [...corpus.valid, ...corpus.invalid].map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
