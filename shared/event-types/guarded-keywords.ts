/**
 * `pattern` and `uniqueItems` cost more than linear time in the value they check: a
 * backtracking regular expression is polynomial (or exponential) in the string's length, and
 * uniqueness compares every pair of items. The catalog accepts them only beside a small bound
 * in the same schema (`maxLength`, `maxItems`) and only in shapes of bounded cost, and the
 * compiled schema checks them only once the bound holds (guardedSchema), so a producer's
 * 256 KB string never reaches a pattern.
 */
export const GUARDED_KEYWORDS = ['pattern', 'uniqueItems'];

/** The largest `maxLength` a schema with `pattern` may have. */
export const MAX_PATTERN_SUBJECT = 256;
/** The largest `maxItems` a schema with `uniqueItems` may have. */
export const MAX_UNIQUE_ITEMS = 1000;
/** The longest `pattern`. */
export const MAX_PATTERN_LENGTH = 200;

/** Why a guarded keyword cannot be accepted in `node`, or undefined if it can. */
export function checkGuardedKeyword(
  keyword: string,
  value: unknown,
  node: Record<string, unknown>,
): string | undefined {
  if (keyword === 'uniqueItems') {
    if (typeof value !== 'boolean') return 'must be a boolean';
    const max = node.maxItems;
    if (value && !(Number.isSafeInteger(max) && (max as number) <= MAX_UNIQUE_ITEMS)) {
      return `needs maxItems of at most ${MAX_UNIQUE_ITEMS} in the same schema (uniqueness compares every pair of items)`;
    }
    return undefined;
  }
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  const max = node.maxLength;
  if (!(Number.isSafeInteger(max) && (max as number) <= MAX_PATTERN_SUBJECT)) {
    return `needs maxLength of at most ${MAX_PATTERN_SUBJECT} in the same schema (a pattern's cost grows with the string's length)`;
  }
  try {
    new RegExp(value, 'u');
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
  return patternShapeProblem(value);
}

/**
 * Refuses the shapes whose backtracking cost explodes: backreferences and lookaround (no
 * bound at all), a repeated group that itself repeats or alternates (`(a+)+`, `(a|aa)*`:
 * exponential), and more than one repetition (`a*a*b`: one more power of the length each),
 * or two when the pattern is anchored at its start (then it is tried from one place only).
 */
function patternShapeProblem(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'must not use backreferences';
  if (/\(\?<?[=!]/.test(pattern)) return 'must not use lookahead or lookbehind';
  const frames: { repeats: boolean; alternates: boolean }[] = [
    { repeats: false, alternates: false },
  ];
  let repetitions = 0;
  let topLevelAlternation = false;
  let lastGroup: { repeats: boolean; alternates: boolean } | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const frame = frames[frames.length - 1] as { repeats: boolean; alternates: boolean };
    let closed: typeof lastGroup;
    if (c === '\\') i++;
    else if (c === '[') i = endOfClass(pattern, i);
    else if (c === '(') frames.push({ repeats: false, alternates: false });
    else if (c === ')' && frames.length > 1) {
      closed = frames.pop();
      const parent = frames[frames.length - 1] as typeof frame;
      parent.repeats ||= closed?.repeats ?? false;
      parent.alternates ||= closed?.alternates ?? false;
    } else if (c === '|') {
      frame.alternates = true;
      if (frames.length === 1) topLevelAlternation = true;
    } else {
      const quantifier = quantifierAt(pattern, i);
      if (quantifier) {
        if (quantifier.repeats) {
          if (lastGroup && (lastGroup.repeats || lastGroup.alternates)) {
            return 'must not repeat a group that itself repeats or alternates (such as (a+)+ or (a|b)*)';
          }
          repetitions++;
          frame.repeats = true;
        }
        i = quantifier.end;
      }
    }
    lastGroup = closed;
  }
  const anchored = pattern.startsWith('^') && !topLevelAlternation;
  const allowed = anchored ? 2 : 1;
  if (repetitions > allowed) {
    return `must repeat at most ${allowed} time${allowed > 1 ? 's' : ''} (*, + or {n,m}) ${anchored ? '' : 'unless anchored with ^ (then twice)'}`.trim();
  }
  return undefined;
}

function endOfClass(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}

/** The quantifier starting at `i` (with its lazy `?`): whether it repeats, and its last index. */
function quantifierAt(pattern: string, i: number): { repeats: boolean; end: number } | undefined {
  const c = pattern[i];
  const lazy = (end: number) => (pattern[end + 1] === '?' ? end + 1 : end);
  if (c === '*' || c === '+') return { repeats: true, end: lazy(i) };
  if (c === '?') return { repeats: false, end: i };
  if (c !== '{') return undefined;
  const found = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (!found) return undefined;
  const max =
    found[2] === undefined ? Number(found[1]) : found[3] === '' ? Infinity : Number(found[3]);
  return { repeats: max > 1, end: lazy(i + found[0].length - 1) };
}
