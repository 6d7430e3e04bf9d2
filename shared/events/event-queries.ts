import * as z from 'zod';
import { NO_TENANT_KEY } from '../aws/table-indexes.js';
import { BROADCAST_TENANT, TENANT_ID_PATTERN } from '../tenants/tenant.js';
import { isEventId } from './event-id.js';
import { eventTypeSchema } from './event-schema.js';

const PAGE_LIMIT = 'must be an integer from 1 to 100';
const DATE_TIME = 'must be an ISO 8601 date-time (e.g. 2026-12-03T10:00:00Z)';

const dateTime = z.iso.datetime({ offset: true, error: DATE_TIME }).transform((v) => new Date(v));

/** `type`: an exact event type, or `prefix.*` for every type under a prefix. */
const typeQuery = z
  .string()
  .refine(
    (v) =>
      (v.endsWith('.*') ? eventTypeSchema.safeParse(v.slice(0, -2)) : eventTypeSchema.safeParse(v))
        .success,
    'must be an event type (dot-separated segments of letters, digits, "_" and "-") or "prefix.*"',
  );

const shared = {
  type: typeQuery.optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
  limit: z.preprocess(
    (value) =>
      typeof value === 'string' ? (/^[0-9]+$/.test(value) ? Number(value) : Number.NaN) : value,
    z
      .number({ error: PAGE_LIMIT })
      .int(PAGE_LIMIT)
      .min(1, PAGE_LIMIT)
      .max(100, PAGE_LIMIT)
      .default(50),
  ),
  cursor: z.string().optional(),
};

/** The query of a tenant's `GET /v1/tenants/{tenantId}/events`. */
export const tenantEventListQuerySchema = z.strictObject(shared);

/**
 * The query of `GET /v1/events`: also `tenantId`, one partition of the list: a tenant id, `*`
 * (broadcasts) or `-` (events without a tenant).
 */
export const eventListQuerySchema = z.strictObject({
  ...shared,
  tenantId: z
    .string()
    .refine(
      (v) => v === BROADCAST_TENANT || v === NO_TENANT_KEY || TENANT_ID_PATTERN.test(v),
      'must be a tenant id, "*" (broadcasts) or "-" (events without a tenant)',
    )
    .optional(),
});

export type EventListQuery = z.infer<typeof eventListQuerySchema>;

/** The body of `POST …/subscriptions/{id}/resend`. */
export const resendSchema = z.strictObject({
  eventId: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .refine(isEventId, 'must be an event id (evt_ and 26 characters)'),
});
