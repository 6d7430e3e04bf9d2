import { isThrottled } from '../aws/control-plane.js';
import { newSigningSecret } from '../delivery/signing.js';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
} from '../errors.js';
import type { OperationalEvents } from '../events/operational-events.js';
import type { AddressPolicy } from '../net/address-policy.js';
import { DestinationRefusedError } from '../net/address-policy.js';
import type { Log } from '../observability.js';
import { DEFERRED_REASON } from '../provisioning/deferred.js';
import type { Provisioner } from '../provisioning/provisioner.js';
import type { ShardPlacement } from '../shards/shard-placement.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import {
  isSubscriptionId,
  liveSecrets,
  newSubscriptionId,
  type SigningSecret,
  type Subscription,
} from './subscription.js';
import {
  assertPatternFits,
  type CreateSubscriptionInput,
  type UpdateSubscriptionInput,
} from './subscription-schema.js';
import type { ListOptions, SubscriptionPage, SubscriptionStore } from './subscription-store.js';
import { assertWildcardQuota } from './wildcard-quota.js';

export interface SubscriptionServiceOptions {
  readonly store: SubscriptionStore;
  /** Where a tenant subscription's tenant is looked up (it must exist and be active). */
  readonly tenants: Pick<TenantStore, 'get'>;
  readonly provisioner: Provisioner;
  /** The SSRF guard subscriber URLs must pass. */
  readonly policy: AddressPolicy;
  /** EventBridge source (for the pattern size check). */
  readonly source: string;
  readonly logger?: Log;
  /** Where `subscription.created|updated|deleted` operational events go. */
  readonly operational?: OperationalEvents;
  /** Bus shard placement and rule counting; absent, there is one shard and nothing is counted. */
  readonly placement?: ShardPlacement;
  /** How many bus shards are deployed. @default 1 */
  readonly shards?: number;
  readonly now?: () => Date;
}

/** The secrets of a subscription: the current one and those still in a rotation's grace period. */
export interface SecretView {
  readonly secret: string;
  readonly previous: { secret: string; expiresAt: string }[];
}

/** Settings whose change must reach the lane (rule pattern, redrive, mapping). */
const LANE_FIELDS = ['eventTypes', 'filter', 'maxConcurrency', 'retrySchedule', 'status'] as const;

/**
 * The subscription use cases behind the management API: validation beyond the request
 * schema (destination, pattern size, wildcard quota), the record, and its lane. The record is written before
 * any resource is made and removed only after the last one is gone, so the reconciler always
 * owns whatever a crash leaves half made.
 */
export class SubscriptionService {
  private readonly now: () => Date;

  constructor(private readonly options: SubscriptionServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Creates a subscription and its lane; answers it with its signing secret. */
  async create(
    input: CreateSubscriptionInput,
  ): Promise<{ subscription: Subscription; secret: string }> {
    const shard =
      input.tenantId !== undefined ? await this.assertTenantActive(input.tenantId) : undefined;
    const placed = { tenantId: input.tenantId, ...(shard ? { shard } : {}) };
    const sharded = this.options.placement?.sharded ?? false;
    assertPatternFits(this.options.source, input.eventTypes, input.filter, input.tenantId, sharded);
    await assertWildcardQuota(this.options.store, input.filter, placed, this.shards);
    await this.checkDestination(input.url);
    const at = this.now().toISOString();
    const secret = newSigningSecret();
    await this.options.placement?.reserve(placed);
    let record: Subscription;
    try {
      record = await this.options.store.create({
        id: newSubscriptionId(),
        ...input,
        ...(shard ? { shard } : {}),
        status: 'provisioning',
        secrets: [{ secret, createdAt: at }],
        createdAt: at,
        updatedAt: at,
        version: 0,
      });
    } catch (error) {
      await this.options.placement?.release(placed);
      throw error;
    }
    const subscription = await this.provisionNew(record);
    await this.announce('subscription.created', subscription);
    return { subscription, secret };
  }

  /**
   * The subscription, or a 404. With `tenantId` (a tenant route), a subscription of another
   * tenant, or of none, answers exactly the same 404 as a missing one.
   */
  async get(id: string, tenantId?: string): Promise<Subscription> {
    const subscription = isSubscriptionId(id) ? await this.options.store.get(id) : undefined;
    if (!subscription || (tenantId !== undefined && subscription.tenantId !== tenantId))
      throw new NotFoundError(`subscription ${id} does not exist`);
    return subscription;
  }

  list(options: ListOptions): Promise<SubscriptionPage> {
    return this.options.store.list(options);
  }

  /** Applies a patch; routing, concurrency, retries and pause/resume change the lane in place. */
  async update(id: string, patch: UpdateSubscriptionInput): Promise<Subscription> {
    const current = await this.get(id);
    if (!['active', 'paused', 'disabled'].includes(current.status)) {
      throw new ConflictError(
        'subscription_not_ready',
        `subscription ${id} is ${current.status}${current.statusReason ? ` (${current.statusReason})` : ''}; it can be changed once it is active`,
      );
    }
    const changesLane = LANE_FIELDS.some((field) => field in patch);
    const changes = Object.fromEntries([
      ...Object.entries(patch).map(([key, value]) => [key, value ?? undefined]),
      ...(patch.status ? [['statusReason', undefined]] : []),
      // A change to a sleeping lane (a resume above all) wakes it: its backlog is delivered now
      // rather than at the reconciler's next look at its queue.
      ...(changesLane && current.lane === 'cold' && (patch.status ?? current.status) === 'active'
        ? [
            ['lane', 'hot'],
            ['lastActiveAt', new Date().toISOString()],
          ]
        : []),
    ]) as Partial<Subscription>;
    const next = { ...current, ...changes };
    if (patch.eventTypes || patch.filter !== undefined) {
      const sharded = this.options.placement?.sharded ?? false;
      assertPatternFits(this.options.source, next.eventTypes, next.filter, next.tenantId, sharded);
    }
    if (patch.filter) await assertWildcardQuota(this.options.store, next.filter, next, this.shards);
    if (patch.url) await this.checkDestination(patch.url);

    const saved = await this.options.store.save(current, changes);
    if (changesLane) {
      try {
        await this.options.provisioner.provision(saved);
      } catch (error) {
        // Saved but not applied: the reconciler sees the lane differ from the record and
        // repairs it; the same PATCH again is harmless and applies it now.
        this.options.logger?.error('applying a change to a lane failed', { id, error });
        throw new ServiceUnavailableError(
          'lane_update_pending',
          'the change is saved, but applying it to the delivery lane failed; it is retried within minutes, or send the same request again',
          { cause: error },
        );
      }
    }
    await this.announce('subscription.updated', saved, { changed: Object.keys(patch) });
    return saved;
  }

  /**
   * Removes the lane, then the record. If removal fails half-way the record stays `deleting`
   * and the reconciler finishes the job; the answer says so.
   */
  async delete(id: string): Promise<{ deleted: boolean; subscription: Subscription }> {
    const current = await this.get(id);
    let deleting = current;
    try {
      if (current.status !== 'deleting') {
        deleting = await this.options.store.save(current, {
          status: 'deleting',
          statusReason: undefined,
        });
      }
    } catch (error) {
      // Another deleter (the reconciler finishing a tenant's deletion) got there first: it
      // removed the record (done), or marked it `deleting` and this deletion finishes it too.
      if (!(error instanceof ConflictError)) throw error;
      const now = await this.options.store.get(id);
      if (!now) return { deleted: true, subscription: current };
      if (now.status !== 'deleting') throw error;
      deleting = now;
    }
    try {
      await this.options.provisioner.deprovision(id);
      await this.options.store.remove(id, deleting.version);
      await this.options.placement?.release(deleting);
      await this.announce('subscription.deleted', deleting);
      return { deleted: true, subscription: deleting };
    } catch (error) {
      if (error instanceof ConflictError && (await this.gone(id))) {
        return { deleted: true, subscription: deleting };
      }
      this.options.logger?.error('deprovisioning failed; the reconciler will retry', { id, error });
      return { deleted: false, subscription: deleting };
    }
  }

  /** Whether the record is gone (read strongly), e.g. removed by a concurrent deleter. */
  private async gone(id: string): Promise<boolean> {
    return (await this.options.store.get(id)) === undefined;
  }

  /** The current secret and those still valid from a rotation. */
  async secrets(id: string): Promise<SecretView> {
    const subscription = await this.get(id);
    const live = liveSecrets(subscription.secrets, this.now());
    const [current, ...previous] = live;
    return {
      secret: current?.secret ?? '',
      previous: previous.map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? '' })),
    };
  }

  /**
   * Makes a new current secret. The old ones stay valid for at most `gracePeriodSeconds`, during
   * which every delivery carries a signature for each, so receivers can switch at their pace.
   * The grace period bounds every older secret, not only the one being replaced: after a leak,
   * `0` leaves the new secret alone, even if an earlier rotation's grace had not run out.
   */
  async rotateSecret(id: string, gracePeriodSeconds: number): Promise<SecretView> {
    const current = await this.get(id);
    if (current.status === 'deleting') {
      throw new ConflictError('subscription_not_ready', `subscription ${id} is being deleted`);
    }
    const now = this.now();
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + gracePeriodSeconds * 1000).toISOString();
    const [active, ...older] = liveSecrets(current.secrets, now);
    const secrets: SigningSecret[] = [{ secret: newSigningSecret(), createdAt: at }];
    if (gracePeriodSeconds > 0) {
      if (active) secrets.push({ ...active, expiresAt });
      for (const secret of older) {
        const sooner =
          secret.expiresAt && secret.expiresAt < expiresAt ? secret.expiresAt : expiresAt;
        secrets.push({ ...secret, expiresAt: sooner });
      }
    }
    await this.options.store.save(current, { secrets });
    return this.secrets(id);
  }

  /**
   * Publishes an operational event. Losing one must not fail the operation it reports (the
   * change is made and stored), so a failure is only logged.
   */
  private async announce(
    type: string,
    subscription: Subscription,
    extra: Record<string, unknown> = {},
  ) {
    try {
      await this.options.operational?.emit(type, {
        subscriptionId: subscription.id,
        ...(subscription.tenantId !== undefined && { tenantId: subscription.tenantId }),
        url: subscription.url,
        status: subscription.status,
        ...extra,
      });
    } catch (error) {
      this.options.logger?.warn('could not publish an operational event', { type, error });
    }
  }

  private async provisionNew(record: Subscription): Promise<Subscription> {
    try {
      const resources = await this.options.provisioner.provision(record);
      return await this.options.store.save(record, { status: 'active', resources });
    } catch (error) {
      // A burst of creations meets the control planes' rate quotas: throttled after the SDK's
      // backoff, the lane is left to the reconciler and the subscription stays `provisioning`.
      if (isThrottled(error)) {
        this.options.logger?.warn('provisioning throttled; the reconciler finishes the lane', {
          id: record.id,
        });
        return this.options.store.save(record, { statusReason: DEFERRED_REASON });
      }
      this.options.logger?.error('provisioning failed; the reconciler will retry', {
        id: record.id,
        error,
      });
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return this.options.store.save(record, { status: 'failed', statusReason: reason });
    }
  }

  /** The tenant's shard, once it is known to exist and be active. */
  private async assertTenantActive(tenantId: string): Promise<number | undefined> {
    const tenant = await this.options.tenants.get(tenantId);
    if (!tenant) throw new NotFoundError(`tenant ${tenantId} does not exist`);
    if (tenant.status !== 'active') {
      throw new ConflictError('tenant_deleting', `tenant ${tenantId} is being deleted`);
    }
    return tenant.shard;
  }

  private get shards(): number {
    return this.options.shards ?? 1;
  }

  private async checkDestination(url: string): Promise<void> {
    try {
      await this.options.policy.checkUrl(url);
    } catch (error) {
      if (error instanceof DestinationRefusedError) {
        throw new UnprocessableError('url_not_allowed', `url: ${error.reason}`, { cause: error });
      }
      throw error;
    }
  }
}
