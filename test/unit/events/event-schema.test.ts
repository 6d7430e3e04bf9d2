import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, ValidationError } from '../../../shared/errors.js';
import { parseBatchInput, parseEventInput } from '../../../shared/events/event-schema.js';
import { MAX_FIELD_DEPTH } from '../../../shared/json-depth.js';

/** Runs `fn`, expects it to throw, and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function validationError(fn: () => unknown): ValidationError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

const event = (i: number) => ({ type: 'order.created', data: { i } });

describe('parseEventInput', () => {
  it.each(['order.created', 'a', 'a_b-c.d9', 'A.B.C', 'x'.repeat(128)])(
    'accepts the type %j',
    (type) => {
      expect(parseEventInput({ type, data: { n: 1 } })).toEqual({ type, data: { n: 1 } });
    },
  );

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['an empty segment', 'a..b'],
    ['a leading dot', '.a'],
    ['a trailing dot', 'a.'],
    ['a space', 'a b'],
    ['a wildcard', 'a*'],
    ['a slash', 'a/b'],
    ['a trailing newline', 'order.created\n'],
    ['a non-ASCII letter', 'café.created'],
  ])('rejects a type with %s, naming the field', (_, type) => {
    const error = validationError(() => parseEventInput({ type, data: {} }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_error');
    expect(error.message).toMatch(/^type: /);
    expect(error.details).toEqual([{ field: 'type', message: expect.any(String) }]);
  });

  it('says which rule an invalid type broke', () => {
    expect(validationError(() => parseEventInput({ type: '', data: {} })).message).toBe(
      'type: must not be empty',
    );
    expect(
      validationError(() => parseEventInput({ type: 'x'.repeat(129), data: {} })).message,
    ).toBe('type: must be at most 128 characters');
    expect(validationError(() => parseEventInput({ type: 'a..b', data: {} })).message).toMatch(
      /^type: must be dot-separated segments/,
    );
  });

  it.each([42, null, true, ['order.created'], { name: 'order.created' }])(
    'rejects the non-string type %j',
    (type) => {
      const error = validationError(() => parseEventInput({ type, data: {} }));
      expect(error.message).toBe('type: must be a string');
    },
  );

  it('reports a missing type and a missing data as required', () => {
    expect(validationError(() => parseEventInput({ data: {} })).message).toBe('type: is required');
    expect(validationError(() => parseEventInput({ type: 'a' })).message).toBe('data: is required');
  });

  it.each([
    ['an array', [1, 2]],
    ['an empty array', []],
    ['null', null],
    ['a string', '{"a":1}'],
    ['a number', 7],
    ['a boolean', false],
  ])('rejects data that is %s', (_, data) => {
    const error = validationError(() => parseEventInput({ type: 'order.created', data }));
    expect(error.message).toBe('data: must be a JSON object');
    expect(error.details).toEqual([{ field: 'data', message: 'must be a JSON object' }]);
  });

  it('accepts an empty object and nested data unchanged', () => {
    expect(parseEventInput({ type: 'a', data: {} })).toEqual({ type: 'a', data: {} });
    const data = { order: { id: 'o-1', lines: [{ sku: 'x', qty: 2 }] }, note: null };
    expect(parseEventInput({ type: 'a', data })).toEqual({ type: 'a', data });
  });

  it('rejects unknown top-level fields, naming each of them', () => {
    const one = validationError(() => parseEventInput({ type: 'a', data: {}, source: 'me' }));
    expect(one.message).toContain('"source"');
    expect(one.message).toMatch(/unknown field/);

    const two = validationError(() =>
      parseEventInput({ type: 'a', data: {}, source: 'me', time: 'now' }),
    );
    expect(two.message).toContain('"source"');
    expect(two.message).toContain('"time"');
  });

  it.each([
    ['null', null],
    ['an array', [{ type: 'a', data: {} }]],
    ['a string', 'order.created'],
  ])('rejects a body that is %s', (_, body) => {
    const error = validationError(() => parseEventInput(body));
    expect(error.message).toBe('body: must be a JSON object');
  });

  it('lists every bad field at once', () => {
    const error = validationError(() => parseEventInput({ type: 'a b', data: [] }));
    expect(error.details?.map((d) => d.field).sort()).toEqual(['data', 'type']);
    expect(error.message).toContain('type: ');
    expect(error.message).toContain('data: ');
  });

  it('prefixes field names with the given prefix', () => {
    const error = validationError(() => parseEventInput({ type: '', data: {} }, 'events[3]'));
    expect(error.details).toEqual([{ field: 'events[3].type', message: 'must not be empty' }]);
  });
});

describe('parseBatchInput', () => {
  it('returns the events of a valid batch in order', () => {
    const events = [event(0), event(1), { type: 'invoice.paid', data: {} }];
    expect(parseBatchInput({ events })).toEqual(events);
  });

  it('rejects an empty batch with the code empty_batch', () => {
    const error = validationError(() => parseBatchInput({ events: [] }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('empty_batch');
    expect(error.message).toMatch(/^events: /);
  });

  it('accepts exactly 100 events', () => {
    const events = Array.from({ length: 100 }, (_, i) => event(i));
    expect(parseBatchInput({ events })).toHaveLength(100);
  });

  it('rejects 101 events with a 413 that says at most 100', () => {
    const events = Array.from({ length: 101 }, (_, i) => event(i));
    const error = thrown(() => parseBatchInput({ events }));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    const tooLarge = error as PayloadTooLargeError;
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.code).toBe('payload_too_large');
    expect(tooLarge.message).toContain('at most 100');
    expect(tooLarge.message).toContain('101');
  });

  it('lists every invalid event in details with events[i].field paths, and returns none', () => {
    const error = validationError(() =>
      parseBatchInput({
        events: [
          event(0),
          { type: 'a..b', data: {} },
          event(2),
          { type: 'ok', data: 'nope' },
          { type: 'ok', data: {}, extra: 1 },
        ],
      }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_error');
    expect(error.details).toEqual([
      { field: 'events[1].type', message: expect.stringMatching(/dot-separated/) },
      { field: 'events[3].data', message: 'must be a JSON object' },
      { field: 'events[4]', message: expect.stringContaining('"extra"') },
    ]);
    expect(error.message).toContain('events[1].type: ');
    expect(error.message).toContain('events[3].data: must be a JSON object');
  });

  it('names a batch member that is not an object by its index', () => {
    const error = validationError(() => parseBatchInput({ events: [event(0), 'x', null] }));
    expect(error.details).toEqual([
      { field: 'events[1]', message: 'must be a JSON object' },
      { field: 'events[2]', message: 'must be a JSON object' },
    ]);
  });

  it('shows the first five problems in the message and counts the rest', () => {
    const events = Array.from({ length: 8 }, () => ({ type: '', data: {} }));
    const error = validationError(() => parseBatchInput({ events }));
    expect(error.details).toHaveLength(8);
    expect(error.message).toContain('events[4].type');
    expect(error.message).not.toContain('events[5].type');
    expect(error.message).toContain('(and 3 more)');
  });

  it.each([
    ['without events', {}, 'events: is required'],
    ['whose events is not an array', { events: { a: 1 } }, 'events: must be an array'],
    ['that is not an object', [event(0)], 'body: must be a JSON object'],
  ])('rejects a body %s', (_, body, message) => {
    expect(validationError(() => parseBatchInput(body)).message).toBe(message);
  });

  it('rejects unknown fields next to events, naming them', () => {
    const error = validationError(() => parseBatchInput({ events: [event(0)], dryRun: true }));
    expect(error.message).toContain('"dryRun"');
  });
});

describe('the depth of data', () => {
  /** `data` nesting `levels` levels in all, alternating objects and arrays. */
  function deep(levels: number): Record<string, unknown> {
    let value: unknown = 'leaf';
    for (let level = levels; level > 1; level--) value = level % 2 ? { k: value } : [value];
    return { k: value };
  }

  it(`accepts ${MAX_FIELD_DEPTH} levels (data itself is level 1) and refuses one more`, () => {
    expect(parseEventInput({ type: 'a', data: deep(MAX_FIELD_DEPTH) }).data).toEqual(
      deep(MAX_FIELD_DEPTH),
    );
    const error = validationError(() =>
      parseEventInput({ type: 'a', data: deep(MAX_FIELD_DEPTH + 1) }),
    );
    expect(error.details).toEqual([
      { field: 'data', message: expect.stringContaining(`${MAX_FIELD_DEPTH} levels`) },
    ]);
  });

  it('refuses 100,000 levels with a 400 rather than overflowing the stack', () => {
    const error = validationError(() => parseEventInput({ type: 'a', data: deep(100_000) }));
    expect(error.status).toBe(400);
  });

  it('names the event of a batch whose data is too deep', () => {
    const error = validationError(() =>
      parseBatchInput({ events: [event(0), { type: 'a', data: deep(MAX_FIELD_DEPTH + 5) }] }),
    );
    expect(error.details?.map((d) => d.field)).toEqual(['events[1].data']);
  });

  it('counts depth, not size: wide flat data is fine', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, [i]]));
    expect(parseEventInput({ type: 'a', data: wide }).data).toEqual(wide);
  });
});
