import * as z from 'zod';
import { ATTEMPT_RESULTS } from '../delivery/attempt-log.js';
import { DEFAULT_RETRY_SCHEDULE, validateRetrySchedule } from '../delivery/retry-policy.js';
import { type ErrorDetail, ValidationError } from '../errors.js';
import { eventTypeSchema } from '../events/event-schema.js';
import { TENANT_ID_PATTERN } from '../tenants/tenant.js';
import { buildEventPattern, MAX_PATTERN_LENGTH, validateFilter } from './event-pattern.js';

/** Headers a subscription may not set: the delivery owns them (signing, framing, identity). */
export const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'host',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/**
 * Whether Hookbridge owns the header: one of RESERVED_HEADERS, or any `webhook-…` name (the
 * Standard Webhooks namespace, where new signature headers would appear).
 */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-');
}

/** An RFC 9110 token (§5.1). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * An RFC 9110 field value (§5.5) of visible ASCII: SP and HTAB only between visible
 * characters (a client would trim them at the ends). obs-text (0x80–0xFF) is refused: how
 * a string becomes those bytes is ambiguous, and HTTP clients reject it.
 */
const HEADER_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?$/;
const DEFAULT_MAX_CONCURRENCY = 10;

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

const urlSchema = z
  .string({ error: required('a string') })
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters');

/** `*`, `prefix.*`, or an exact event type. */
const eventTypeSelector = z.union(
  [z.literal('*'), z.union([eventTypeSchema, z.string().regex(/^([A-Za-z0-9_-]+\.)+\*$/)])],
  {
    error: 'must be an event type, "<prefix>.*" or "*"',
  },
);

const eventTypesSchema = z
  .array(eventTypeSelector, { error: required('an array of event types') })
  .min(1, 'must hold at least one event type')
  .max(100, 'must hold at most 100 event types');

const filterSchema = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  .check((ctx) => {
    for (const problem of validateFilter(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        message: problem.replace(/^filter(\.|: )/, ''),
        input: ctx.value,
      });
    }
  });

const concurrencySchema = z
  .number({ error: required('an integer') })
  .int('must be an integer')
  .min(2, 'must be between 2 and 1000')
  .max(1000, 'must be between 2 and 1000');

const retryScheduleSchema = z
  .array(z.number({ error: 'must hold numbers of seconds' }), {
    error: 'must be an array of delays in seconds',
  })
  .check((ctx) => {
    const problem = validateRetrySchedule(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

const headersSchema = z
  .record(z.string(), z.string({ error: 'header values must be strings' }), {
    error: 'must be an object of header names to values',
  })
  .check((ctx) => {
    const names = Object.keys(ctx.value);
    if (names.length > 20)
      ctx.issues.push({ code: 'custom', message: 'at most 20 headers', input: ctx.value });
    const seen = new Set<string>();
    for (const name of names) {
      if (!HEADER_NAME.test(name)) {
        ctx.issues.push({
          code: 'custom',
          message: `"${name}" is not a valid header name (an RFC 9110 token: letters, digits and !#$%&'*+.^_\`|~-)`,
          input: ctx.value,
        });
      } else if (isReservedHeader(name)) {
        ctx.issues.push({
          code: 'custom',
          message: `"${name}" is reserved: Hookbridge sets it`,
          input: ctx.value,
        });
      } else if (seen.has(name.toLowerCase())) {
        ctx.issues.push({
          code: 'custom',
          message: `"${name}" is given twice (header names are case-insensitive)`,
          input: ctx.value,
        });
      }
      seen.add(name.toLowerCase());
      const value = ctx.value[name] ?? '';
      if (value.length > 1024) {
        ctx.issues.push({
          code: 'custom',
          message: `the value of "${name}" must be at most 1024 characters`,
          input: ctx.value,
        });
      } else if (!HEADER_VALUE.test(value)) {
        ctx.issues.push({
          code: 'custom',
          message: `the value of "${name}" must be visible ASCII, with spaces or tabs only between characters (no control characters, DEL or non-ASCII)`,
          input: ctx.value,
        });
      }
    }
  });

/**
 * Subscription and tenant metadata: at most 50 string entries, keys of 1 to 64 characters
 * (DynamoDB refuses an empty map key, "Empty attribute name") and values of at most 512.
 */
export const metadataSchema = z
  .record(
    z.string().min(1).max(64),
    z.string({ error: 'metadata values must be strings' }).max(512),
    {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? 'a key must not be empty, and at most 64 characters'
          : 'must be an object of strings',
    },
  )
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys');

const descriptionSchema = z
  .string({ error: 'must be a string' })
  .max(500, 'must be at most 500 characters');

/** A tenant id (see shared/tenants/tenant.ts for why this alphabet). */
export const tenantIdSchema = z
  .string({ error: required('a string') })
  .regex(
    TENANT_ID_PATTERN,
    'must be 1-64 characters: an ASCII letter or digit, then letters, digits, "_", "." or "-"',
  );

/**
 * The body of `POST /v1/subscriptions`. `tenantId` makes it a tenant's subscription; it cannot
 * be changed afterwards (the PATCH schema has no such field, so a PATCH naming it is a 400).
 */
export const createSubscriptionSchema = z.strictObject({
  tenantId: tenantIdSchema.optional(),
  url: urlSchema,
  eventTypes: eventTypesSchema,
  filter: filterSchema.optional(),
  description: descriptionSchema.optional(),
  metadata: metadataSchema.optional(),
  headers: headersSchema.optional(),
  maxConcurrency: concurrencySchema.default(DEFAULT_MAX_CONCURRENCY),
  retrySchedule: retryScheduleSchema.default([...DEFAULT_RETRY_SCHEDULE]),
});

/** The body of `PATCH /v1/subscriptions/{id}`: any subset; `null` removes an optional field. */
export const updateSubscriptionSchema = z
  .strictObject({
    url: urlSchema,
    eventTypes: eventTypesSchema,
    filter: filterSchema.nullable(),
    description: descriptionSchema.nullable(),
    metadata: metadataSchema.nullable(),
    headers: headersSchema.nullable(),
    maxConcurrency: concurrencySchema,
    retrySchedule: retryScheduleSchema,
    status: z.enum(['active', 'paused'], { error: 'must be "active" or "paused"' }),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

/** The body of `POST /v1/subscriptions/{id}/secret/rotate`. */
export const rotateSecretSchema = z.strictObject({
  gracePeriodSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 604800 (7 days)')
    .max(604_800, 'must be between 0 and 604800 (7 days)')
    .default(86_400),
});

const PAGE_LIMIT = 'must be an integer from 1 to 100';
/**
 * A query value is text: only plain decimal digits are a number. `z.coerce` alone would read
 * `0x10` as 16 and `1e1` or ` 5` as numbers too.
 */
const pageLimitSchema = z.preprocess(
  (value) =>
    typeof value === 'string' ? (/^[0-9]+$/.test(value) ? Number(value) : Number.NaN) : value,
  z
    .number({ error: PAGE_LIMIT })
    .int(PAGE_LIMIT)
    .min(1, PAGE_LIMIT)
    .max(100, PAGE_LIMIT)
    .default(50),
);

/** The query of `GET /v1/tenants` and of a tenant's `GET …/subscriptions`. */
export const listQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: z.string().optional(),
});

/** The query of `GET /v1/subscriptions`: also `tenantId`, to see one tenant's subscriptions. */
export const operatorListQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: z.string().optional(),
  tenantId: tenantIdSchema.optional(),
});

/** The query of `GET /v1/subscriptions/{id}/deliveries`. */
export const deliveriesQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: z.string().optional(),
  result: z
    .enum(ATTEMPT_RESULTS, { error: `must be one of ${ATTEMPT_RESULTS.join(', ')}` })
    .optional(),
  eventId: z
    .string()
    .regex(/^evt_[0-9A-Z]{26}$/, 'must be an event id (evt_…)')
    .optional(),
});

/** The body of `POST /v1/subscriptions/{id}/replay`: an ISO 8601 window of archived events. */
export const replaySchema = z.strictObject({
  from: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
    .transform((v) => new Date(v)),
  to: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
    .transform((v) => new Date(v)),
});

export type CreateSubscriptionInput = z.infer<typeof createSubscriptionSchema>;
export type UpdateSubscriptionInput = z.infer<typeof updateSubscriptionSchema>;

/**
 * Parses a request body with one of the schemas above; throws a ValidationError (400) whose
 * message names every bad field.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { issues } = parsed.error;
  const details: ErrorDetail[] = issues.slice(0, MAX_DETAILS).map((issue) => ({
    field: issue.path.map(String).join('.') || 'body',
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${listKeys(issue.keys)}`
        : issue.message,
  }));
  const more = issues.length > MAX_DETAILS ? ` (and ${issues.length - MAX_DETAILS} more)` : '';
  throw new ValidationError(
    `${details.map((d) => `${d.field}: ${d.message}`).join('; ')}${more}`,
    details,
  );
}

/**
 * At most this many problems are answered, and this many unknown keys named: a body of 100k
 * bad items must get a small 400, not an answer past the 6 MB a Lambda response may be (which
 * API Gateway turns into a 500).
 */
const MAX_DETAILS = 10;

function listKeys(keys: readonly string[]): string {
  const named = keys
    .slice(0, MAX_DETAILS)
    .map((k) => `"${k.length > 100 ? `${k.slice(0, 99)}…` : k}"`);
  return `${named.join(', ')}${keys.length > MAX_DETAILS ? ` and ${keys.length - MAX_DETAILS} more` : ''}`;
}

/**
 * Parses a query string's parameters with one of the query schemas above; throws a
 * ValidationError (400) naming each bad or unknown parameter, and each value that is not
 * well-formed Unicode.
 */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  parameters: Record<string, string | undefined> | undefined,
): z.infer<S> {
  const query = parameters ?? {};
  const details: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (!name.isWellFormed() || !(value ?? '').isWellFormed()) {
      details.push({ field: name.toWellFormed(), message: 'is not well-formed Unicode' });
    }
  }
  const parsed = details.length === 0 ? schema.safeParse(query) : undefined;
  if (parsed?.success) return parsed.data;
  for (const issue of parsed?.error.issues ?? []) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        details.push({ field: key, message: 'unknown query parameter' });
    } else {
      details.push({ field: issue.path.map(String).join('.') || 'query', message: issue.message });
    }
  }
  throw new ValidationError(details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
}

/**
 * Throws a ValidationError when the rule pattern for these types, filter and tenant condition
 * exceeds EventBridge's limit.
 */
export function assertPatternFits(
  source: string,
  eventTypes: readonly string[],
  filter?: Record<string, unknown>,
  tenantId?: string,
  sharded = false,
): void {
  // An operator subscription's rule on shards 1..N-1 is the longest of its patterns.
  const excludeBroadcasts = sharded && tenantId === undefined;
  const pattern = buildEventPattern(source, eventTypes, filter, tenantId, excludeBroadcasts);
  const length = JSON.stringify(pattern).length;
  if (length > MAX_PATTERN_LENGTH) {
    throw new ValidationError(
      `filter: the event pattern would be ${length} characters; EventBridge allows ${MAX_PATTERN_LENGTH}`,
    );
  }
}
