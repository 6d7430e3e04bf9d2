/** The waits, in seconds, after failed attempts 1..7: 8 attempts spread over ≈ 27.6 h (DESIGN §3). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = Object.freeze([
  5, 300, 1800, 7200, 18000, 36000, 36000,
]);

/**
 * SQS ChangeMessageVisibility allows at most 12 h counted from the message's receipt; moto
 * counts from its send, so stay a little under to work on both.
 */
export const MAX_RETRY_DELAY_SECONDS = 43_190;

/** Attempts per message (maxReceiveCount); bounds how long a schedule can be. */
export const MAX_ATTEMPTS = 20;

/** Each scheduled delay moves by up to this fraction either way, so retries do not stampede. */
const JITTER = 0.2;

/**
 * How many attempts a schedule allows: the first, immediate attempt plus one after each
 * delay. This is the queue's maxReceiveCount, so exhaustion moves the message to the DLQ.
 */
export function maxAttempts(schedule: readonly number[]): number {
  return schedule.length + 1;
}

/**
 * Why a retry schedule cannot be used, or undefined if it can: it must hold 1 to
 * MAX_ATTEMPTS − 1 whole, non-negative numbers of seconds, none above
 * MAX_RETRY_DELAY_SECONDS (one delay is one SQS visibility timeout).
 */
export function validateRetrySchedule(schedule: readonly number[]): string | undefined {
  if (schedule.length === 0) return 'the retry schedule needs at least one delay';
  if (schedule.length > MAX_ATTEMPTS - 1) {
    return `the retry schedule has ${schedule.length} delays; at most ${MAX_ATTEMPTS - 1} are allowed (${MAX_ATTEMPTS} attempts)`;
  }
  for (const [index, delay] of schedule.entries()) {
    const which = `delay ${index + 1} (${delay})`;
    if (!Number.isInteger(delay)) return `${which} is not a whole number of seconds`;
    if (delay < 0) return `${which} is negative`;
    if (delay > MAX_RETRY_DELAY_SECONDS) {
      return `${which} exceeds ${MAX_RETRY_DELAY_SECONDS} s, the longest an SQS message can stay invisible`;
    }
  }
  return undefined;
}

export interface RetryDelayInput {
  readonly schedule: readonly number[];
  /** The 1-based attempt that just failed. */
  readonly attempt: number;
  /** The receiver's Retry-After, in seconds, if it sent one. */
  readonly retryAfterSeconds?: number;
  /** A source of numbers in [0, 1); injected by tests. @default Math.random */
  readonly random?: () => number;
}

/**
 * Seconds to wait before the next attempt, or undefined when the failed attempt was the last
 * one. The scheduled delay gets ±20 % jitter and stays within that band after rounding to whole
 * seconds. A Retry-After replaces the scheduled delay, without jitter (the receiver named a
 * time), clamped to the schedule's bounds (DESIGN §3: its smallest and its largest delay) so a
 * receiver can neither make us hammer it nor park a message longer than its owner chose.
 */
export function retryDelaySeconds(input: RetryDelayInput): number | undefined {
  const { schedule, attempt } = input;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt is 1-based, not ${attempt}`);
  }
  const scheduled = schedule[attempt - 1];
  if (scheduled === undefined) return undefined;
  if (input.retryAfterSeconds !== undefined && Number.isFinite(input.retryAfterSeconds)) {
    return clamp(Math.ceil(input.retryAfterSeconds), Math.min(...schedule), Math.max(...schedule));
  }
  const random = input.random ?? Math.random;
  const jittered = scheduled * (1 + (random() * 2 - 1) * JITTER);
  const banded = clamp(
    Math.round(jittered),
    Math.ceil(scheduled * (1 - JITTER)),
    Math.floor(scheduled * (1 + JITTER)),
  );
  return clamp(banded, 0, MAX_RETRY_DELAY_SECONDS);
}

/**
 * Reads a Retry-After header (RFC 9110 §10.2.3) as seconds from `now`: delta-seconds, or an
 * HTTP-date in any of its three forms (a date in the past gives 0). undefined when the header
 * is absent or malformed, in which case the schedule applies.
 */
export function parseRetryAfter(
  value: string | undefined,
  now: Date = new Date(),
): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = parseHttpDate(text, now);
  if (date === undefined) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** year, month name, day, hour, minute, second — as matched (the regexes guarantee each group). */
type DateParts = readonly [string, string, string, string, string, string];

// Date.parse is not used: it accepts far more than HTTP allows and reads asctime in local time.
const HTTP_DATE_FORMS: readonly ((text: string, now: Date) => DateParts | undefined)[] = [
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  (text) => {
    const m = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i.exec(text);
    return m ? ([m[3], m[2], m[1], m[4], m[5], m[6]] as unknown as DateParts) : undefined;
  },
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year more than 50 years ahead is
  // in the past century (RFC 9110 §5.6.7).
  (text, now) => {
    const m = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i.exec(text);
    if (!m) return undefined;
    const thisYear = now.getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    return [String(year), m[2], m[1], m[4], m[5], m[6]] as unknown as DateParts;
  },
  // asctime: "Sun Nov  6 08:49:37 1994"
  (text) => {
    const m = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i.exec(text);
    return m ? ([m[6], m[1], m[2], m[3], m[4], m[5]] as unknown as DateParts) : undefined;
  },
];

function parseHttpDate(text: string, now: Date): number | undefined {
  for (const form of HTTP_DATE_FORMS) {
    const parts = form(text, now);
    if (parts === undefined) continue;
    const [year, day, hour, minute, second] = [0, 2, 3, 4, 5].map((i) => Number(parts[i]));
    const month = MONTHS.indexOf(parts[1].toLowerCase());
    if (month < 0 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) {
      return undefined;
    }
    const time = Date.UTC(Number(year), month, day, hour, minute, second);
    // Date.UTC rolls 31 Feb over into March; such a header is malformed, not a date.
    return new Date(time).getUTCDate() === day ? time : undefined;
  }
  return undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
