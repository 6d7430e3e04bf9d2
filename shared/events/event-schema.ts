import * as z from 'zod/mini';
import { type ErrorDetail, PayloadTooLargeError, ValidationError } from '../errors.js';
import { jsonDepth, MAX_FIELD_DEPTH } from '../json-depth.js';
import { BROADCAST_TENANT, TENANT_ID_PATTERN } from '../tenants/tenant.js';

/** Dot-separated segments of `[A-Za-z0-9_-]`, 1–128 characters in all (DESIGN §3). */
const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** At most this many events in one `POST /v1/events/batch`. */
export const MAX_BATCH_EVENTS = 100;

export const eventTypeSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .check(
    z.minLength(1, { error: 'must not be empty', abort: true }),
    z.maxLength(128, 'must be at most 128 characters'),
    z.regex(EVENT_TYPE, 'must be dot-separated segments of letters, digits, "_" and "-"'),
  );

const dataSchema = z
  .record(z.string(), z.unknown(), {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a JSON object'),
  })
  .check(
    z.refine(
      (data) => jsonDepth(data, MAX_FIELD_DEPTH) <= MAX_FIELD_DEPTH,
      `must nest objects and arrays at most ${MAX_FIELD_DEPTH} levels deep (data itself is level 1)`,
    ),
  );

/**
 * The tenant an event is for: a tenant id, or `*` for every tenant (broadcast). Left out, the
 * event has no tenant and only operator subscriptions (those without a tenant) receive it.
 */
const eventTenantSchema = z
  .string({ error: 'must be a string' })
  .check(
    z.regex(
      new RegExp(`^(\\${BROADCAST_TENANT}|${TENANT_ID_PATTERN.source.slice(1, -1)})$`),
      'must be a tenant id (1-64 characters: an ASCII letter or digit, then letters, digits, "_", "." or "-") or "*" to broadcast to every tenant',
    ),
  );

/** What a producer sends for one event. */
export const eventInputSchema = z.strictObject(
  { type: eventTypeSchema, data: dataSchema, tenantId: z.optional(eventTenantSchema) },
  { error: (issue) => unknownKeysMessage(issue) ?? 'must be a JSON object' },
);

export const batchInputSchema = z.strictObject(
  {
    events: z.array(z.unknown(), {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array'),
    }),
  },
  { error: (issue) => unknownKeysMessage(issue) ?? 'must be a JSON object' },
);

export type EventInput = z.output<typeof eventInputSchema>;

function unknownKeysMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  // At most 10 named, each clipped: the answer must stay far below the 6 MB of a Lambda response.
  const named = issue.keys
    .slice(0, 10)
    .map((k) => `"${k.length > 100 ? `${k.slice(0, 99)}…` : k}"`);
  const more = issue.keys.length > 10 ? ` and ${issue.keys.length - 10} more` : '';
  return `unknown field${issue.keys.length > 1 ? 's' : ''} ${named.join(', ')}${more}`;
}

/**
 * Validates one event body. Throws a ValidationError whose message names every bad field,
 * prefixed with `prefix` (e.g. `events[3]`) when the event is part of a batch.
 */
export function parseEventInput(value: unknown, prefix = ''): EventInput {
  const parsed = z.safeParse(eventInputSchema, value);
  if (parsed.success) return parsed.data;
  const details = issueDetails(parsed.error, prefix);
  throw new ValidationError(detailsMessage(details), details);
}

/**
 * Validates a batch body: an object with `events`, 1 to MAX_BATCH_EVENTS of them, each a
 * valid event. Every invalid event is listed; nothing of a batch with one bad event is
 * published.
 */
export function parseBatchInput(value: unknown): EventInput[] {
  const parsed = z.safeParse(batchInputSchema, value);
  if (!parsed.success) {
    const details = issueDetails(parsed.error, '');
    throw new ValidationError(detailsMessage(details), details);
  }
  const { events } = parsed.data;
  if (events.length === 0) {
    throw new ValidationError('events: must hold at least one event', undefined, 'empty_batch');
  }
  if (events.length > MAX_BATCH_EVENTS) {
    throw new PayloadTooLargeError(
      `events: a batch holds at most ${MAX_BATCH_EVENTS} events (got ${events.length})`,
    );
  }
  const inputs: EventInput[] = [];
  const details: ErrorDetail[] = [];
  for (const [index, event] of events.entries()) {
    const one = z.safeParse(eventInputSchema, event);
    if (one.success) inputs.push(one.data);
    else details.push(...issueDetails(one.error, `events[${index}]`));
  }
  if (details.length > 0) throw new ValidationError(detailsMessage(details), details);
  return inputs;
}

function issueDetails(error: z.core.$ZodError, prefix: string): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: fieldPath(prefix, issue.path) || 'body',
    message: issue.message,
  }));
}

function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function detailsMessage(details: readonly ErrorDetail[]): string {
  const shown = details.slice(0, 5).map((d) => `${d.field}: ${d.message}`);
  const more = details.length > 5 ? ` (and ${details.length - 5} more)` : '';
  return `${shown.join('; ')}${more}`;
}
