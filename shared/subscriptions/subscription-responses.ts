import * as z from 'zod';
import { ATTEMPT_RESULTS } from '../delivery/attempt-log.js';
import { MAX_RECORDED_HEADER_BYTES, REDACTED } from '../delivery/recorded-request.js';
import { SUBSCRIPTION_STATUSES } from './subscription.js';
import { createSubscriptionSchema } from './subscription-schema.js';

/**
 * Zod schemas of what the HTTP API answers. Nothing parses responses with them at run time:
 * they exist so the OpenAPI document describes responses from the same kind of source as
 * requests, and so tests can check real answers against it. Objects are strict, so a field
 * that leaks into an answer (a stored secret, the locking version) fails conformance tests.
 * The ingest and error bodies live here too, with the subscription ones, to keep every
 * response contract in one file.
 */

/** Crockford base32, as the `ulid` package writes it. */
const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

/** Descriptions of subscription fields, shared by the request and the response schemas. */
export const SUBSCRIPTION_FIELD_DESCRIPTIONS = {
  tenantId:
    'The tenant the subscription belongs to (set at creation, never changed); it then receives only events sent with this `tenantId` or with `"*"` (broadcast). Absent: an operator subscription, which receives the matching events of every tenant.',
  url: 'Where deliveries are POSTed. https only unless the operator allows http; it must not resolve to a private, loopback or link-local address (SSRF guard) unless an allow-listed CIDR covers it.',
  eventTypes:
    'Event types to deliver: exact types (`order.created`), prefixes (`invoice.*` matches `invoice.paid`), or `*` for every type.',
  filter:
    'An EventBridge event pattern applied to the event `data` (e.g. `{"amount": [{"numeric": [">", 100]}]}`). Checked against the rules EventBridge applies to event patterns; the whole rule pattern must stay within 2048 characters, and at most 30 subscriptions may use the wildcard operator.',
  description: 'Free text for operators.',
  metadata: 'Up to 50 string keys (≤ 64 characters) to string values (≤ 512 characters).',
  headers:
    'Extra headers sent with every delivery: at most 20; names are RFC 9110 tokens, each at most once whatever its case; values are at most 1024 characters of visible ASCII, with spaces or tabs only between characters (no control characters, DEL or non-ASCII). Headers Hookbridge or the HTTP client sets (content-type, content-length, host, user-agent, any webhook-* name, hop-by-hop headers) are refused.',
  maxConcurrency: 'How many deliveries to this subscriber may be in flight at once.',
  retrySchedule:
    'Seconds to wait after each failed attempt; its length + 1 is the number of attempts, after which the event goes to the dead-letter queue.',
  status:
    '`provisioning` → `active` ↔ `paused`; `disabled` (automatic: 410 Gone or a long failure streak); `failed` (provisioning error, retried by the reconciler); `deleting`.',
} as const;

const {
  tenantId,
  url,
  eventTypes,
  filter,
  description,
  metadata,
  headers,
  maxConcurrency,
  retrySchedule,
} = createSubscriptionSchema.shape;
const D = SUBSCRIPTION_FIELD_DESCRIPTIONS;

const timestamp = (what: string) => z.iso.datetime().meta({ description: what });

export const subscriptionIdSchema = z
  .string()
  .regex(new RegExp(`^sub_${ULID}$`))
  .meta({
    description: 'Subscription id: `sub_` and a ULID.',
    examples: ['sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C'],
  });

const signingSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
  .meta({
    description:
      'A Standard Webhooks signing secret: `whsec_` and the base64 of 24–64 random bytes.',
  });

/** A subscription as the API shows it: everything but its secrets and internal bookkeeping. */
export const subscriptionViewSchema = z
  .strictObject({
    id: subscriptionIdSchema,
    tenantId: tenantId.meta({ description: D.tenantId }),
    url: url.meta({ description: D.url }),
    eventTypes: eventTypes.meta({ description: D.eventTypes }),
    filter: filter.meta({ description: D.filter }),
    description: description.meta({ description: D.description }),
    metadata: metadata.meta({ description: D.metadata }),
    headers: headers.meta({ description: D.headers }),
    maxConcurrency: maxConcurrency.meta({ description: D.maxConcurrency }),
    retrySchedule: retrySchedule.meta({ description: D.retrySchedule }),
    status: z.enum(SUBSCRIPTION_STATUSES).meta({ description: D.status }),
    statusReason: z
      .string()
      .optional()
      .meta({ description: 'Why the subscription is `failed` or `disabled`.' }),
    resources: z
      .strictObject({
        queue: z.string(),
        deadLetterQueue: z.string(),
        rule: z.string(),
      })
      .optional()
      .meta({
        description: 'Names of the SQS queue, its dead-letter queue and the EventBridge rule.',
      }),
    failingSince: timestamp(
      'Since when every delivery has failed (the failure streak); absent after a success. A long streak disables the subscription.',
    ).optional(),
    lane: z.enum(['hot', 'cold']).optional().meta({
      description:
        'Whether the delivery lane polls (`hot`, also when absent) or sleeps after an idle period (`cold`): the next event for it wakes it and is delivered, with a longer first-event latency.',
    }),
    lastActiveAt: timestamp(
      'When a delivery to it was last noted (at most about once an hour): what the idle period of cold lanes counts from.',
    ).optional(),
    createdAt: timestamp('When the subscription was created.'),
    updatedAt: timestamp('When the subscription last changed.'),
  })
  .meta({ description: 'A subscription. Its signing secrets are never part of it.' });

/** The answer to `POST /v1/subscriptions`: the subscription and, this once, its secret. */
export const createdSubscriptionSchema = subscriptionViewSchema
  .extend({ secret: signingSecretSchema })
  .meta({
    description:
      'The new subscription and its signing secret. The secret is shown here and by `GET /v1/subscriptions/{id}/secret`, nowhere else.',
  });

/** The answer to `GET /v1/subscriptions`. */
export const subscriptionPageSchema = z
  .strictObject({
    data: z.array(subscriptionViewSchema),
    nextCursor: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Pass as `cursor` to get the next page; absent on the last page.' }),
  })
  .meta({ description: 'One page of subscriptions.' });

/** The answer of the secret routes: the current secret and those still in a grace period. */
export const secretViewSchema = z
  .strictObject({
    secret: signingSecretSchema.meta({ description: 'The current signing secret.' }),
    previous: z
      .array(
        z.strictObject({
          secret: signingSecretSchema,
          expiresAt: timestamp('When this secret stops being used to sign.'),
        }),
      )
      .meta({
        description:
          'Rotated-out secrets still in their grace period: deliveries carry a signature for each.',
      }),
  })
  .meta({ description: 'The signing secrets of a subscription.' });

const eventIdSchema = z
  .string()
  .regex(new RegExp(`^evt_${ULID}$`))
  .meta({
    description: 'Event id: `evt_` and a ULID, so ids sort by the time they were accepted.',
    examples: ['evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C'],
  });

/** The answer to `POST /v1/events`. */
export const acceptedEventSchema = z
  .strictObject({ id: eventIdSchema })
  .meta({ description: 'The event was accepted; its id is the `webhook-id` of every delivery.' });

/** The answer to `POST /v1/events/batch`: each event's fate, in the order sent. */
export const batchResultSchema = z
  .strictObject({
    events: z.array(
      z.discriminatedUnion('status', [
        z.strictObject({ id: eventIdSchema, status: z.literal('accepted') }),
        z.strictObject({
          id: eventIdSchema,
          status: z.literal('failed'),
          error: z.strictObject({ code: z.string(), message: z.string() }),
        }),
      ]),
    ),
  })
  .meta({ description: 'One result per event of the batch, in the order they were sent.' });

/** One delivery attempt, as `GET /v1/subscriptions/{id}/deliveries` lists it. */
export const deliveryAttemptSchema = z
  .strictObject({
    subscriptionId: subscriptionIdSchema,
    eventId: eventIdSchema,
    eventType: z.string(),
    attempt: z.int().min(1).meta({
      description:
        '1 for the first attempt of this event; counted on across redrives of the dead-letter queue and replays.',
    }),
    attemptedAt: timestamp('When the attempt started.'),
    result: z.enum(ATTEMPT_RESULTS).meta({
      description:
        '`delivered` (2xx), `failed` (retried unless `final`), `gone` (410: the subscription was disabled), `refused` (the SSRF guard refused the address).',
    }),
    final: z.boolean().meta({ description: 'No further attempt of this event will be made.' }),
    statusCode: z
      .int()
      .optional()
      .meta({ description: 'The HTTP status the subscriber answered.' }),
    durationMs: z.number().min(0),
    error: z.string().optional().meta({ description: 'Why the attempt failed, in words.' }),
    responseBody: z
      .string()
      .optional()
      .meta({ description: 'The first 4 KB of what the subscriber answered.' }),
    nextAttemptAt: timestamp('When the next attempt is due.').optional(),
    requestUrl: z
      .string()
      .optional()
      .meta({ description: 'The URL the attempt was POSTed to. Absent from older attempts.' }),
    requestHeaders: z
      .array(
        z.strictObject({
          name: z.string(),
          value: z.string(),
        }),
      )
      .optional()
      .meta({
        description: `The request headers sent, in the order sent: the subscription's custom headers, \`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\` (HMACs, what the receiver saw), \`content-type\`, \`user-agent\`. A value holding a Hookbridge secret (a signing secret, a token or an API key) reads \`${REDACTED}\`. Absent from older attempts.`,
      }),
    requestHeadersTruncated: z
      .literal(true)
      .optional()
      .meta({
        description: `Custom headers past ${MAX_RECORDED_HEADER_BYTES} bytes of names and values were not recorded (they were sent).`,
      }),
    requestBodyBytes: z.int().min(0).optional().meta({
      description:
        'The size of the body sent, in bytes. The body is the event as the event store keeps it (`GET /v1/events/{id}`), not copied into each attempt. Absent from older attempts.',
    }),
  })
  .meta({ description: 'One attempt to deliver one event to the subscriber.' });

/** The answer to `GET /v1/subscriptions/{id}/deliveries`: the most recent attempt first. */
export const deliveryPageSchema = z
  .strictObject({
    data: z.array(deliveryAttemptSchema),
    nextCursor: subscriptionPageSchema.shape.nextCursor,
    eventRetentionDays: z.int().min(0).meta({
      description:
        "How many days the event store keeps an event, and so the body an attempt sent (`GET /v1/events/{id}`, or the tenant's `…/events/{id}`): an attempt older than that has no body to show. 0: the store is off and no body is kept.",
    }),
  })
  .meta({ description: 'One page of delivery attempts, by attempt time, the most recent first.' });

/** The answer to `POST /v1/subscriptions/{id}/redrive`. */
export const redriveResultSchema = z
  .strictObject({
    moved: z.int().min(0).meta({ description: 'Messages moved from the DLQ back to the queue.' }),
    more: z.boolean().meta({
      description: 'The DLQ still held messages when the call ran out of time: call again.',
    }),
  })
  .meta({ description: 'What the redrive moved.' });

const approximateCount = (description: string) => z.int().min(0).meta({ description });

/** The answer to `GET /v1/subscriptions/{id}/backlog`. */
export const backlogSchema = z
  .strictObject({
    queued: approximateCount("Messages waiting in the subscription's queue."),
    inFlight: approximateCount(
      'Messages being delivered, or waiting in the queue for their next attempt (a retry hides its message until then).',
    ),
    delayed: approximateCount('Messages put into the queue with a delay that has not yet passed.'),
    deadLettered: approximateCount(
      "Messages in the subscription's dead-letter queue: their attempts ran out; redrive moves them back.",
    ),
  })
  .meta({
    description:
      "How many messages the subscription's lane holds, by SQS's approximate counts (they can lag by about a minute).",
  });

/** The answer to `POST /v1/subscriptions/{id}/replay`. */
export const replayStartedSchema = z
  .strictObject({
    replayName: z.string().meta({ description: 'The EventBridge replay, to follow in AWS.' }),
  })
  .meta({ description: 'The replay started; events arrive as EventBridge replays them.' });

/** Every 4xx and 5xx the functions answer: `{ "error": { code, message, details? } }`. */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({
        description: 'Stable and machine-readable, e.g. `validation_error`, `not_found`.',
      }),
      message: z.string().meta({ description: 'For humans; names the field that is wrong.' }),
      details: z
        .array(z.strictObject({ field: z.string(), message: z.string() }))
        .min(1)
        .optional()
        .meta({ description: 'One entry per problem when there are several.' }),
    }),
  })
  .meta({ description: 'An error. Internal errors say `internal_error` and nothing more.' });

/** What API Gateway itself answers when it refuses a request (IAM, throttling). */
export const gatewayErrorSchema = z
  .looseObject({ message: z.string() })
  .meta({ description: 'An answer of API Gateway itself, e.g. `{"message":"Forbidden"}`.' });
