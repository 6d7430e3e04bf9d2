import { monotonicFactory } from 'ulid';

export const SUBSCRIPTION_STATUSES = [
  'provisioning',
  'active',
  'paused',
  'disabled',
  'failed',
  'deleting',
] as const;

/**
 * `provisioning → active ↔ paused`; `disabled` (automatic: 410 Gone or a long failure
 * streak); `failed` (provisioning error, retried by the reconciler); `deleting`.
 */
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A signing secret; a rotated-out secret stays valid until `expiresAt`. */
export interface SigningSecret {
  readonly secret: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
}

/** A lane polls (`hot`) or sleeps with its mapping disabled until an event wakes it (`cold`). */
export type LaneTemperature = 'hot' | 'cold';

/** The AWS resources of one subscriber's delivery lane. */
export interface LaneResources {
  readonly queueName: string;
  readonly queueUrl?: string;
  readonly queueArn?: string;
  readonly deadLetterQueueName: string;
  readonly deadLetterQueueUrl?: string;
  readonly deadLetterQueueArn?: string;
  readonly ruleName: string;
  readonly ruleArn?: string;
  readonly mappingId?: string;
}

/** A subscription as stored. */
export interface Subscription {
  readonly id: string;
  /** The tenant it belongs to (immutable); none for an operator's own subscription. */
  readonly tenantId?: string;
  /**
   * The bus shard of a tenant subscription (its tenant's, copied at creation: it never
   * changes); absent means shard 0. Operator subscriptions have a rule on every shard.
   */
  readonly shard?: number;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly filter?: Record<string, unknown>;
  readonly description?: string;
  readonly metadata?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly maxConcurrency: number;
  readonly retrySchedule: readonly number[];
  readonly status: SubscriptionStatus;
  readonly statusReason?: string;
  /** The current secret first, then rotated-out ones still in their grace period. */
  readonly secrets: readonly SigningSecret[];
  readonly resources?: LaneResources;
  /**
   * When deliveries started failing without a success since (the failure streak). Cleared
   * by the next success; auto-disable looks at it when a message exhausts its retries.
   */
  readonly failingSince?: string;
  /**
   * Whether the lane sleeps: `cold` when the reconciler disabled its event source mapping after
   * an idle period (a wake target on its rule wakes it); absent or `hot` otherwise. Orthogonal
   * to `status`: a paused lane is paused, whatever its temperature.
   */
  readonly lane?: LaneTemperature;
  /** When the delivery function last noted a delivery for it (at most hourly, per container). */
  readonly lastActiveAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic-locking version, incremented on every write. */
  readonly version: number;
}

/** What the API shows of a subscription: everything but its secrets. */
export type SubscriptionView = Omit<Subscription, 'secrets' | 'resources' | 'version' | 'shard'> & {
  readonly resources?: { queue: string; deadLetterQueue: string; rule: string };
};

const nextUlid = monotonicFactory();

/** A new subscription id: `sub_` and a ULID. */
export function newSubscriptionId(): string {
  return `sub_${nextUlid()}`;
}

/** Whether a string has the shape of a subscription id. */
export function isSubscriptionId(value: string): boolean {
  return /^sub_[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}

/** The public view: secrets are only ever returned by create and the secret route. */
export function toView(subscription: Subscription): SubscriptionView {
  const { secrets: _secrets, resources, version: _version, shard: _shard, ...rest } = subscription;
  return {
    ...rest,
    ...(resources && {
      resources: {
        queue: resources.queueName,
        deadLetterQueue: resources.deadLetterQueueName,
        rule: resources.ruleName,
      },
    }),
  };
}

/** Secrets that have not expired, current first. */
export function liveSecrets(secrets: readonly SigningSecret[], now: Date): SigningSecret[] {
  return secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime());
}
