/**
 * The HTTP API's shapes as the web app uses them, written from openapi.json (the client's
 * unit test holds every request to the document's paths and schemas).
 */

export type SubscriptionStatus =
  | 'provisioning'
  | 'active'
  | 'paused'
  | 'disabled'
  | 'failed'
  | 'deleting';

export interface Subscription {
  readonly id: string;
  readonly tenantId?: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly filter?: Record<string, unknown>;
  readonly description?: string;
  readonly status: SubscriptionStatus;
  readonly statusReason?: string;
  readonly failingSince?: string;
  readonly maxConcurrency: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreatedSubscription extends Subscription {
  readonly secret: string;
}

export interface SubscriptionInput {
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly filter?: Record<string, unknown>;
  readonly description?: string;
}

/** A change: `null` removes an optional field. */
export interface SubscriptionChange {
  readonly url?: string;
  readonly eventTypes?: readonly string[];
  readonly filter?: Record<string, unknown> | null;
  readonly description?: string | null;
  readonly status?: 'active' | 'paused';
}

/** A lane's depth (SQS's approximate counts), from `…/subscriptions/{id}/backlog`. */
export interface Backlog {
  readonly queued: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLettered: number;
}

export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor?: string;
}

export interface SecretView {
  readonly secret: string;
  readonly previous: readonly { readonly secret: string; readonly expiresAt: string }[];
}

export type AttemptResult = 'delivered' | 'failed' | 'gone' | 'refused';

export interface DeliveryAttempt {
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly result: AttemptResult;
  readonly final: boolean;
  readonly statusCode?: number;
  readonly durationMs: number;
  readonly error?: string;
  readonly responseBody?: string;
  readonly nextAttemptAt?: string;
  /** The request sent; absent from attempts logged before requests were kept. */
  readonly requestUrl?: string;
  readonly requestHeaders?: readonly RequestHeader[];
  readonly requestHeadersTruncated?: true;
  readonly requestBodyBytes?: number;
}

/** One header of an attempt's request, in the order sent. */
export interface RequestHeader {
  readonly name: string;
  readonly value: string;
}

/** A page of the attempt log, with how long the event store keeps the bodies (0: not at all). */
export interface AttemptPage extends Page<DeliveryAttempt> {
  readonly eventRetentionDays: number;
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'deleting';
  readonly metadata?: Record<string, string>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const CAPABILITIES = ['read', 'write', 'secrets', 'resend'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface MintedToken {
  readonly id: string;
  readonly token: string;
  readonly tenantId: string;
  readonly capabilities: readonly Capability[];
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface TokenView {
  readonly id: string;
  readonly tenantId: string;
  readonly capabilities: readonly Capability[];
  readonly description?: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: 'active' | 'expired' | 'revoked';
}

export interface EventSummary {
  readonly id: string;
  readonly type: string;
  readonly tenantId?: string;
  readonly timestamp: string;
}

export type DestinationState = 'delivered' | 'failing' | 'dead-lettered' | 'pending';

export interface EventDetail extends EventSummary {
  readonly payloadRetained: boolean;
  readonly data?: Record<string, unknown>;
  readonly deliveries: readonly {
    readonly subscriptionId: string;
    readonly tenantId?: string;
    readonly state: DestinationState;
    readonly attempts: readonly Omit<
      DeliveryAttempt,
      | 'subscriptionId'
      | 'eventId'
      | 'eventType'
      | 'responseBody'
      | 'requestUrl'
      | 'requestHeaders'
      | 'requestHeadersTruncated'
      | 'requestBodyBytes'
    >[];
  }[];
}

/** One problem the API named: `field` is a dotted path into the request body. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** An entry of the event type catalog (one per installation, read by every tenant). */
export interface EventType {
  readonly name: string;
  readonly description?: string;
  readonly schema?: Record<string, unknown>;
  readonly example?: Record<string, unknown>;
  readonly deprecated: boolean;
  readonly validate: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EventTypeInput {
  readonly name: string;
  readonly description?: string;
  readonly schema?: Record<string, unknown>;
  readonly example?: Record<string, unknown>;
  readonly deprecated?: boolean;
  readonly validate?: boolean;
}

/** A change to an entry: `null` removes description, schema or example. */
export interface EventTypeChange {
  readonly description?: string | null;
  readonly schema?: Record<string, unknown> | null;
  readonly example?: Record<string, unknown> | null;
  readonly deprecated?: boolean;
  readonly validate?: boolean;
}
