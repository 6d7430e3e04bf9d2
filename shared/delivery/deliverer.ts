import type { SQSRecord } from 'aws-lambda';
import { type EventEnvelope, RESEND_MARKER } from '../events/bus-entry.js';
import type { OperationalEvents } from '../events/operational-events.js';
import type { Log } from '../observability.js';
import { nameOfArn, subscriptionIdOf } from '../provisioning/lane-names.js';
import { liveSecrets, type Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { tenantMayReceive } from '../tenants/tenant.js';
import type { AttemptLog, AttemptResult, DeliveryAttempt } from './attempt-log.js';
import { attemptNumber } from './attempt-number.js';
import { BatchSubscriptions } from './batch-subscriptions.js';
import { type AttemptOutcome, classifyError, classifyResponse } from './outcome.js';
import { recordedRequest } from './recorded-request.js';
import { retryDelaySeconds } from './retry-policy.js';
import { webhookHeaders } from './signing.js';
import type { WebhookResponse } from './webhook-client.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The subscriptions as one batch sees them: read once per batch, never kept beyond it. */
export interface SubscriptionSource {
  get(id: string): Promise<Subscription | undefined>;
}

/** What the deliverer may do to the SQS message it is handling. */
export interface MessageActions {
  /** Makes the message visible again after `seconds` (ChangeMessageVisibility). */
  delay(record: SQSRecord, seconds: number): Promise<void>;
  /** Moves the message straight to its subscriber's DLQ, with the reason (non-retryable). */
  deadLetter(record: SQSRecord, reason: string): Promise<void>;
}

/** Sends one webhook; the undici client in production, something in-memory in a benchmark. */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse>;
  /** The headers `post` puts on the wire for `headers`, in order: what the attempt log records. */
  requestHeaders(headers: Record<string, string>): Record<string, string>;
}

export interface DelivererPorts {
  /** The store's strongly consistent read, so a change the API answered 2xx is seen at once. */
  readonly subscriptions: Pick<SubscriptionStore, 'get'>;
  readonly streaks: Pick<SubscriptionStore, 'markFailing' | 'clearFailing' | 'disable'>;
  /** Called after a subscription was disabled, to stop its event source mapping. */
  readonly onDisabled: (subscription: Subscription) => Promise<void>;
  /** Notes that the lane is in use, so the reconciler does not let it go cold (throttled). */
  readonly activity?: { note(subscriptionId: string): Promise<void> };
  readonly attempts: AttemptLog;
  readonly sender: WebhookSender;
  readonly messages: MessageActions;
  readonly operational: OperationalEvents;
  readonly logger: Log;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export interface DelivererSettings {
  /** Resource prefix: the queue name tells which subscription a record is for. */
  readonly prefix: string;
  /** A subscription failing without a success for this long is disabled when a message exhausts. */
  readonly autoDisableAfterMs: number;
  /** How long a record of a paused or disabled subscription waits before it is looked at again. */
  readonly holdSeconds?: number;
}

/** What became of one record; `settled` records are deleted from the queue, the others stay. */
export type RecordOutcome =
  | {
      readonly settled: true;
      readonly kind: 'delivered' | 'duplicate' | 'orphaned' | 'dead-lettered';
    }
  | { readonly settled: false; readonly kind: 'retry' | 'exhausted' | 'held' | 'disabled' };

/**
 * Delivers one SQS record to its subscriber: finds the subscription from the record's queue,
 * skips an event already delivered to it, signs the event's detail (serialized once; exactly
 * those bytes are signed and sent) with every live secret, POSTs it, logs the attempt, and
 * decides the record's fate by DESIGN §3: delivered; retry later through the message's
 * visibility; exhausted (the DLQ takes it through maxReceiveCount); 410 disables the
 * subscription; a refused destination goes straight to the DLQ.
 */
export class Deliverer {
  private readonly now: () => Date;
  private lastQueue: { readonly arn: string; readonly id: string | undefined } | undefined;

  constructor(
    private readonly ports: DelivererPorts,
    private readonly settings: DelivererSettings,
  ) {
    this.now = ports.now ?? (() => new Date());
  }

  /**
   * A new view of the subscriptions for one batch: the handler makes one per invocation and
   * passes it to every record, so a batch costs one read and the next batch reads again.
   */
  batch(): SubscriptionSource {
    return new BatchSubscriptions(this.ports.subscriptions);
  }

  /** Delivers `record`; `subscriptions` is its batch's view (a record alone reads its own). */
  async deliver(
    record: SQSRecord,
    subscriptions: SubscriptionSource = this.batch(),
  ): Promise<RecordOutcome> {
    const { ports } = this;
    const subscriptionId = this.subscriptionOfQueue(record.eventSourceARN);
    const parsed = parseEvent(record.body);
    if (!subscriptionId || typeof parsed === 'string') {
      const reason =
        typeof parsed === 'string'
          ? parsed
          : `queue ${record.eventSourceARN} belongs to no subscription`;
      await ports.messages.deadLetter(record, reason);
      ports.logger.error('undeliverable message moved to the dead-letter queue', {
        messageId: record.messageId,
        reason,
      });
      return { settled: true, kind: 'dead-lettered' };
    }

    const { envelope, replayed } = parsed;
    // Both reads at once: they are independent, and each is a round trip on every record.
    const [subscription, history] = await Promise.all([
      subscriptions.get(subscriptionId),
      ports.attempts.eventHistory(subscriptionId, envelope.id, record.messageId),
    ]);
    if (!subscription || subscription.status === 'deleting')
      return { settled: true, kind: 'orphaned' };
    if (!tenantMayReceive(subscription.tenantId, envelope.tenantId)) {
      // The rule pattern should have made this impossible: a drifted or hand-edited rule, or a
      // message put on the queue by hand. Never POST another tenant's event.
      const reason = `event for tenant ${JSON.stringify(envelope.tenantId ?? null)} reached a subscription of tenant ${subscription.tenantId}`;
      await ports.messages.deadLetter(record, reason);
      ports.logger.error('cross-tenant message moved to the dead-letter queue', {
        subscriptionId,
        messageId: record.messageId,
        eventId: envelope.id,
        reason,
      });
      return { settled: true, kind: 'dead-lettered' };
    }
    if (subscription.status === 'paused' || subscription.status === 'disabled') {
      // Its mapping is (being) disabled; keep the message for when it is resumed.
      await ports.messages.delay(record, this.settings.holdSeconds ?? 300);
      return { settled: false, kind: 'held' };
    }
    // Never fails (a failed note is logged), and writes at most hourly per lane per container.
    await ports.activity?.note(subscriptionId);
    // A replay or a resend is asked for precisely to send events again: no duplicate guard.
    if (history.delivered && !replayed) return { settled: true, kind: 'duplicate' };

    // The schedule follows the receive count, which SQS's maxReceiveCount dead-letters on: a
    // redriven message starts it again. The attempt number goes on from the log.
    const receiveCount = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
    const attempt = attemptNumber(history, receiveCount);
    const body = JSON.stringify(envelope);
    const started = this.now();
    const signed = webhookHeaders({
      id: envelope.id,
      timestamp: Math.floor(started.getTime() / 1000),
      body,
      secrets: liveSecrets(subscription.secrets, started).map((s) => s.secret),
    });
    const headers = subscription.headers ? { ...subscription.headers, ...signed } : signed;
    let response: WebhookResponse | undefined;
    let outcome: AttemptOutcome;
    try {
      response = await ports.sender.post(subscription.url, body, headers);
      outcome = classifyResponse(response.status, response.headers);
    } catch (error) {
      outcome = classifyError(error);
    }
    const durationMs = response?.durationMs ?? this.now().getTime() - started.getTime();
    const base: Mutable<DeliveryAttempt> = {
      subscriptionId,
      eventId: envelope.id,
      eventType: envelope.type,
      attempt,
      attemptedAt: started.toISOString(),
      durationMs: Math.round(durationMs),
      result: 'delivered',
      final: true,
      // The request as sent, without the body: that is the event, kept once in the event store.
      ...recordedRequest({
        url: subscription.url,
        sent: ports.sender.requestHeaders(headers),
        body,
        secrets: subscription.secrets.map((s) => s.secret),
      }),
    };
    if (response) {
      base.statusCode = response.status;
      // What a failing endpoint answered explains the failure; a 2xx body rarely does, and
      // storing it would make every log item up to 4 KB (4 write units instead of 1).
      if (outcome.kind !== 'delivered' && response.body) base.responseBody = response.body;
    }
    const log = (
      result: AttemptResult,
      final: boolean,
      extra: { error?: string; nextAttemptAt?: string } = {},
    ) => ports.attempts.record({ ...base, result, final, ...extra }, record.messageId);

    switch (outcome.kind) {
      case 'delivered':
        // The common case, without a copy of the attempt.
        await ports.attempts.record(base, record.messageId);
        if (subscription.failingSince) {
          await ports.streaks.clearFailing(subscriptionId);
        }
        return { settled: true, kind: 'delivered' };

      case 'refused':
        await log('refused', true, { error: outcome.reason });
        await ports.messages.deadLetter(record, outcome.reason);
        ports.logger.error('refused destination: message moved to the dead-letter queue', {
          subscriptionId,
          messageId: record.messageId,
          reason: outcome.reason,
        });
        return { settled: true, kind: 'dead-lettered' };

      case 'gone':
        await log('gone', true, { error: outcome.reason });
        await this.disable(subscription, `the endpoint answered 410 Gone: ${outcome.reason}`);
        await ports.messages.delay(record, this.settings.holdSeconds ?? 300);
        return { settled: false, kind: 'disabled' };

      case 'retry': {
        const delay = retryDelaySeconds({
          schedule: subscription.retrySchedule,
          attempt: receiveCount,
          ...(outcome.retryAfterSeconds !== undefined && {
            retryAfterSeconds: outcome.retryAfterSeconds,
          }),
          ...(ports.random && { random: ports.random }),
        });
        if (delay === undefined)
          return this.exhausted(
            record,
            subscription,
            { eventId: envelope.id, attempt },
            outcome.reason,
            () => log('failed', true, { error: outcome.reason }),
          );
        const nextAttemptAt = new Date(this.now().getTime() + delay * 1000).toISOString();
        await log('failed', false, { error: outcome.reason, nextAttemptAt });
        if (!subscription.failingSince) {
          await ports.streaks.markFailing(subscriptionId, started.toISOString());
        }
        await ports.messages.delay(record, delay);
        return { settled: false, kind: 'retry' };
      }
    }
  }

  /** The subscription a queue belongs to; every record of a batch asks, for the same queue. */
  private subscriptionOfQueue(queueArn: string): string | undefined {
    if (queueArn !== this.lastQueue?.arn) {
      const id = subscriptionIdOf(this.settings.prefix, nameOfArn(queueArn));
      this.lastQueue = { arn: queueArn, id };
    }
    return this.lastQueue.id;
  }

  /**
   * The last attempt failed: the message becomes visible at once so SQS moves it to the DLQ
   * (its receive count now exceeds maxReceiveCount), an operational event says so, and a
   * subscription that has failed without a success for long enough is disabled.
   */
  private async exhausted(
    record: SQSRecord,
    subscription: Subscription,
    event: { eventId: string; attempt: number },
    reason: string,
    log: () => Promise<void>,
  ): Promise<RecordOutcome> {
    await log();
    // WARN, so the dashboard's recent-failures query (level WARN or ERROR) lists it.
    this.ports.logger.warn('delivery exhausted: the message goes to the dead-letter queue', {
      subscriptionId: subscription.id,
      eventId: event.eventId,
      messageId: record.messageId,
      attempts: event.attempt,
      reason,
    });
    await this.announce('delivery.exhausted', {
      subscriptionId: subscription.id,
      eventId: event.eventId,
      attempts: event.attempt,
      reason,
    });
    const since = subscription.failingSince ? Date.parse(subscription.failingSince) : undefined;
    if (since !== undefined && this.now().getTime() - since >= this.settings.autoDisableAfterMs) {
      const days = Math.round(this.settings.autoDisableAfterMs / 86_400_000);
      await this.disable(
        subscription,
        `deliveries have failed without a success since ${subscription.failingSince} (auto-disable after ${days} days)`,
      );
    }
    await this.ports.messages.delay(record, 0);
    return { settled: false, kind: 'exhausted' };
  }

  /** Operational events are best effort: losing one must not stop the record's handling. */
  private async announce(type: string, detail: Record<string, unknown>): Promise<void> {
    try {
      await this.ports.operational.emit(type, detail);
    } catch (error) {
      this.ports.logger.warn('could not publish an operational event', { type, error });
    }
  }

  private async disable(subscription: Subscription, reason: string): Promise<void> {
    const disabled = await this.ports.streaks.disable(subscription.id, reason);
    if (!disabled) return;
    await this.ports.onDisabled(disabled);
    await this.announce('subscription.disabled', {
      subscriptionId: subscription.id,
      url: subscription.url,
      reason,
    });
    this.ports.logger.warn('subscription disabled', { subscriptionId: subscription.id, reason });
  }
}

/** The event detail out of an EventBridge event in an SQS body, or why it is not one. */
function parseEvent(body: string): { envelope: EventEnvelope; replayed: boolean } | string {
  try {
    const event = JSON.parse(body);
    const detail = event?.detail;
    if (detail && typeof detail.id === 'string' && typeof detail.type === 'string') {
      const replayed = typeof event['replay-name'] === 'string' || event[RESEND_MARKER] === true;
      return { envelope: detail, replayed };
    }
    return 'the message is not a Hookbridge event (no detail with id and type)';
  } catch {
    return 'the message body is not JSON';
  }
}
