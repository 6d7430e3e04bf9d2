import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collectKeyValue,
  fraction,
  integerIn,
  parseEventTypes,
  parseInstant,
  parseJsonArgument,
  parseJsonObjectArgument,
  parseRetrySchedule,
  parseSeconds,
} from '../../../cli/arguments.js';
import { ExitCode, UsageError } from '../../../cli/cli-error.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hookbridge-cli-'));
writeFileSync(path.join(dir, 'order.json'), '{"id": 7, "items": [1, 2]}');
writeFileSync(path.join(dir, 'broken.json'), '{"id": ');
const files = { cwd: dir, readStdin: () => '{"from": "stdin"}' };

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('JSON arguments (--data, --filter)', () => {
  it('parses inline JSON, @file relative to the working directory, and @- from stdin', () => {
    expect(parseJsonArgument('{"id":1}', '--data', files)).toEqual({ id: 1 });
    expect(parseJsonArgument('@order.json', '--data', files)).toEqual({ id: 7, items: [1, 2] });
    expect(parseJsonArgument(`@${path.join(dir, 'order.json')}`, '--data', files)).toEqual({
      id: 7,
      items: [1, 2],
    });
    expect(parseJsonArgument('@-', '--data', files)).toEqual({ from: 'stdin' });
  });

  it('says which flag is not valid JSON, and why', () => {
    expect(usageMessage(() => parseJsonArgument('{bad', '--data', files))).toMatch(
      /^--data is not valid JSON: .+/,
    );
    expect(usageMessage(() => parseJsonArgument('@broken.json', '--filter', files))).toMatch(
      /^--filter \(@broken\.json\) is not valid JSON: .+/,
    );
  });

  it('refuses what the API would, rather than sending it changed, naming the flag and path', () => {
    expect(
      usageMessage(() => parseJsonArgument('{"id":9007199254740993}', '--data', files)),
    ).toMatch(/^--data: id: the number 9007199254740993 cannot be held exactly/);
    expect(usageMessage(() => parseJsonArgument('{"n":[1e400]}', '--data', files))).toMatch(
      /^--data: n\[0\]: /,
    );
    expect(usageMessage(() => parseJsonArgument('{"__proto__":{}}', '--filter', files))).toMatch(
      /^--filter: __proto__: /,
    );
    expect(parseJsonArgument('{"id":9007199254740991,"s":"😀"}', '--data', files)).toEqual({
      id: 9007199254740991,
      s: '😀',
    });
  });

  it('says when the file cannot be read', () => {
    expect(usageMessage(() => parseJsonArgument('@missing.json', '--data', files))).toMatch(
      /^--data: cannot read missing\.json: ENOENT/,
    );
  });

  it('requires an object where the API wants one', () => {
    expect(parseJsonObjectArgument('{"a":1}', '--data', files)).toEqual({ a: 1 });
    for (const notObject of ['[1]', '"text"', '3', 'null']) {
      expect(usageMessage(() => parseJsonObjectArgument(notObject, '--data', files))).toMatch(
        /^--data must be a JSON object/,
      );
    }
  });
});

describe('--header / --metadata K=V', () => {
  it('collects repeated options and splits at the first =', () => {
    let headers = collectKeyValue('X-Team=payments', undefined);
    headers = collectKeyValue('Authorization=Bearer abc==', headers);
    expect(headers).toEqual({ 'X-Team': 'payments', Authorization: 'Bearer abc==' });
  });

  it('allows an empty value but not a missing name or =', () => {
    expect(collectKeyValue('X-Empty=', undefined)).toEqual({ 'X-Empty': '' });
    expect(() => collectKeyValue('no-equals', undefined)).toThrow(/KEY=VALUE/);
    expect(() => collectKeyValue('=value', undefined)).toThrow(/KEY=VALUE/);
  });
});

describe('durations and the retry schedule', () => {
  it('reads seconds with optional units', () => {
    expect(parseSeconds('90')).toBe(90);
    expect(parseSeconds('5s')).toBe(5);
    expect(parseSeconds('5m')).toBe(300);
    expect(parseSeconds('2h')).toBe(7200);
    expect(parseSeconds('1d')).toBe(86_400);
    expect(() => parseSeconds('soon')).toThrow(/seconds/);
    expect(() => parseSeconds('-5')).toThrow(/seconds/);
  });

  it('reads a comma-separated schedule', () => {
    expect(parseRetrySchedule('5,300,1800')).toEqual([5, 300, 1800]);
    expect(parseRetrySchedule('5s, 5m, 30m, 2h, 5h, 10h, 10h')).toEqual([
      5, 300, 1800, 7200, 18_000, 36_000, 36_000,
    ]);
    expect(() => parseRetrySchedule('5,,300')).toThrow(/separated by commas/);
    expect(() => parseRetrySchedule('5,later')).toThrow(/seconds/);
  });
});

describe('other option values', () => {
  it('splits event types and rejects an empty list', () => {
    expect(parseEventTypes('order.created, invoice.*')).toEqual(['order.created', 'invoice.*']);
    expect(parseEventTypes('*')).toEqual(['*']);
    expect(() => parseEventTypes(' , ')).toThrow(/event types/);
  });

  it('bounds integers and fractions', () => {
    expect(integerIn(2, 1000)('25')).toBe(25);
    expect(() => integerIn(2, 1000)('1')).toThrow(/from 2 to 1000/);
    expect(() => integerIn(2, 1000)('2.5')).toThrow(/integer/);
    expect(fraction('0.25')).toBe(0.25);
    expect(fraction('1')).toBe(1);
    expect(() => fraction('1.5')).toThrow(/0 to 1/);
    expect(() => fraction('')).toThrow(/0 to 1/);
  });

  it('normalizes date-times to ISO 8601', () => {
    expect(parseInstant('2024-05-01', '--from')).toBe('2024-05-01T00:00:00.000Z');
    expect(parseInstant('2024-05-01T14:00:00+02:00', '--to')).toBe('2024-05-01T12:00:00.000Z');
    expect(usageMessage(() => parseInstant('yesterday', '--from'))).toMatch(
      /^--from is not a date-time/,
    );
  });
});
