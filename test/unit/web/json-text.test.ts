import { describe, expect, it } from 'vitest';
import { describeJsonProblem, parseJsonText } from '../../../web/src/ui/json-text.js';

// A filter, schema or example typed as JSON: a syntax error names its line and column.

describe('JSON typed into a textarea', () => {
  it('answers the value when it parses, whatever JSON it is (the API judges its meaning)', () => {
    expect(parseJsonText('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJsonText('[1]')).toEqual({ ok: true, value: [1] });
  });

  it('places a syntax error at its line and column', () => {
    const problem = parseJsonText('{\n  "amount": 1\n  "currency": "EUR"\n}');
    expect(problem).toMatchObject({ ok: false, line: 3, column: 3 });
    expect(problem.ok || problem.message).toMatch(/after property value/);
    expect(problem.ok || problem.message).not.toMatch(/position/);
  });

  it('places a trailing comma on the first line', () => {
    expect(parseJsonText('{"a": 1,}')).toMatchObject({ ok: false, line: 1, column: 9 });
  });

  it('places an unfinished document at its end', () => {
    expect(parseJsonText('{\n  "a": [1,')).toMatchObject({ ok: false, line: 2, column: 11 });
  });

  it('says it in words', () => {
    const problem = parseJsonText('{"a": 1,}');
    if (problem.ok) throw new Error('parsed');
    expect(describeJsonProblem(problem)).toMatch(/^Not valid JSON at line 1, column 9: \S/);
  });
});
