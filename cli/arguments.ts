import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ApiError } from '../shared/errors.js';
import { parseStrictJson } from '../shared/http/strict-json.js';
import { UsageError } from './cli-error.js';
import { formatSeconds } from './output.js';

/** Where `@file` arguments are read from: the working directory, and `@-` for stdin. */
export interface FileReader {
  readonly cwd: string;
  readonly readStdin?: () => string;
}

/**
 * Reads a JSON argument the way curl reads `--data`: the text itself, `@path` for a file, or
 * `@-` for stdin. Every failure is a usage error that names the flag, so a script's author
 * sees which argument was wrong without reading a stack.
 */
export function parseJsonArgument(value: string, flag: string, files: FileReader): unknown {
  let text = value;
  let source = '';
  if (value.startsWith('@')) {
    const file = value.slice(1);
    source = ` (${value})`;
    try {
      if (file === '-') {
        if (!files.readStdin) throw new Error('stdin is not available');
        text = files.readStdin();
      } else {
        text = readFileSync(path.resolve(files.cwd, file), 'utf8');
      }
    } catch (error) {
      throw new UsageError(
        `${flag}: cannot read ${file === '-' ? 'stdin' : file}: ${reason(error)}`,
      );
    }
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}${source} is not valid JSON: ${reason(error)}`);
  }
  // What the API would refuse (an inexact number, a lone surrogate, `__proto__`, too deep):
  // refused here too, before JSON.parse could change it on the way (1e400 sent as null).
  try {
    return parseStrictJson(text);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new UsageError(`${flag}${source}: ${error.message}`);
  }
}

/** Like parseJsonArgument, for the flags whose API field must be a JSON object. */
export function parseJsonObjectArgument(
  value: string,
  flag: string,
  files: FileReader,
): Record<string, unknown> {
  const parsed = parseJsonArgument(value, flag, files);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${flag} must be a JSON object, e.g. '{"id": 1}'`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Commander parser for repeatable `K=V` options (`--header`, `--metadata`): splits at the
 * first `=`, so values may contain `=` (base64 tokens do).
 */
export function collectKeyValue(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const at = value.indexOf('=');
  const key = at > 0 ? value.slice(0, at).trim() : '';
  if (!key) throw new InvalidArgumentError('expected KEY=VALUE, e.g. X-Team=payments');
  return { ...previous, [key]: value.slice(at + 1) };
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** `300`, `300s`, `5m`, `2h`, `1d` → seconds. */
export function parseSeconds(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(value);
  const unit = UNIT_SECONDS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) {
    throw new InvalidArgumentError('expected seconds, or a number with s, m, h or d (e.g. 5m)');
  }
  return Number(match[1]) * unit;
}

/** `5,5m,30m,2h` → `[5, 300, 1800, 7200]`; the API checks the bounds of each delay. */
export function parseRetrySchedule(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) {
    throw new InvalidArgumentError('expected delays separated by commas, e.g. 5,5m,30m,2h');
  }
  return parts.map(parseSeconds);
}

/** `order.created, invoice.*` → `['order.created', 'invoice.*']`. */
export function parseEventTypes(value: string): string[] {
  const types = value
    .split(',')
    .map((type) => type.trim())
    .filter(Boolean);
  if (types.length === 0) {
    throw new InvalidArgumentError("expected event types separated by commas, or '*'");
  }
  return types;
}

/** A commander parser for an integer option within bounds. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return number;
  };
}

/** A commander parser for a fraction from 0 to 1 (`--fail-rate`). */
export function fraction(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.3');
  }
  return number;
}

/** An ISO 8601 date-time, or anything `Date` reads unambiguously (`2024-05-01`), as ISO. */
export function parseInstant(value: string, flag: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new UsageError(
      `${flag} is not a date-time: "${value}" (use ISO 8601, e.g. 2024-05-01T12:00:00Z)`,
    );
  }
  return new Date(time).toISOString();
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A commander parser of a lifetime (`30m`, `2h`, `7d`, or seconds) into whole seconds within
 * `bounds`; `what` names the credential in the message (`a token lives from 5m to 7d`).
 */
export function lifetimeIn(
  bounds: { readonly min: number; readonly max: number },
  what: string,
): (value: string) => number {
  return (value) => {
    const seconds = parseSeconds(value);
    if (!Number.isInteger(seconds)) {
      throw new InvalidArgumentError('expected a whole number of seconds, e.g. 90m or 5400');
    }
    if (seconds < bounds.min || seconds > bounds.max) {
      throw new InvalidArgumentError(
        `${what} lives from ${formatSeconds(bounds.min)} to ${formatSeconds(bounds.max)} (got ${formatSeconds(seconds)})`,
      );
    }
    return seconds;
  };
}
