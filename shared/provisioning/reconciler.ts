import { isThrottled } from '../aws/control-plane.js';
import type { Log } from '../observability.js';
import type { ShardPlacement } from '../shards/shard-placement.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { finishTenantDeletion } from '../tenants/tenant-deletion.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { isCold, mayGoCold, mustWake } from './cold-lanes.js';
import { DEFERRED_REASON, isDeferred } from './deferred.js';
import type { LaneSleeper } from './lane-sleeper.js';
import type { LaneSurvey, Provisioner } from './provisioner.js';

/**
 * Where an unfinished pass stopped: the next pass starts after that subscription id, so a
 * pass cut short by its deadline does not look at the same first lanes again and again.
 */
export interface ReconcileCheckpoint {
  read(): Promise<string | undefined>;
  /** The id to resume after; undefined once a pass went all the way round. */
  write(resumeAfter: string | undefined): Promise<void>;
}

export interface ReconcilerOptions {
  readonly store: SubscriptionStore;
  /** The tenants: subscriptions of a tenant being deleted (or gone) are deleted, then the tenant. */
  readonly tenants?: TenantStore;
  readonly provisioner: Provisioner;
  /** Cold lanes: puts idle lanes to sleep, checks sleeping ones, wakes what must wake. */
  readonly sleeper?: LaneSleeper | undefined;
  /** A hot lane idle this long goes cold; 0 (the default) keeps every lane hot. */
  readonly laneIdleMs?: number;
  /** The shard counters, recounted at the end of each pass (nothing to do with one shard). */
  readonly placement?: ShardPlacement;
  readonly logger?: Log;
  /** A subscription still `provisioning` after this long was abandoned by a crash. @default 5 min */
  readonly staleProvisioningMs?: number;
  /** How many subscriptions are reconciled at once. @default 1 */
  readonly concurrency?: number;
  /**
   * When the pass must be done (epoch ms). It stops taking subscriptions `cleanupReserveMs`
   * before: the ones it started are finished, the rest wait for the next pass, which resumes
   * after the last one started (`checkpoint`). Then, in every pass, cut short or not, the orphan
   * sweep, tenant deletions and the shard recount run until the deadline: none of them depends
   * on which lanes the pass looked at. @default no deadline
   */
  readonly deadline?: number;
  /** The part of the time before `deadline` kept for the sweep and tenant deletions. @default 0 */
  readonly cleanupReserveMs?: number;
  readonly checkpoint?: ReconcileCheckpoint;
  /**
   * A cold lane's wake target is listed (ListTargetsByRule, an EventBridge control-plane call)
   * in one pass out of this many, at random; its queue's depth, the check that makes waking
   * lossless, is read every pass. At 10,000 lanes this keeps a pass within EventBridge's rate.
   * @default 1 (every pass)
   */
  readonly coldTargetCheckEvery?: number;
  /** For tests: the source of the sampling above. @default Math.random */
  readonly random?: () => number;
  readonly now?: () => Date;
}

/** What one reconciliation pass did. */
export interface ReconcileReport {
  /** Failed or abandoned subscriptions whose lane is now made. */
  readonly provisioned: string[];
  /** Subscriptions whose lane had drifted, with what was wrong. */
  readonly repaired: { id: string; problems: string[] }[];
  /** `deleting` subscriptions whose removal was finished, and those of deleted tenants. */
  readonly deleted: string[];
  /** `deleting` tenants whose removal was finished. */
  readonly tenantsDeleted: string[];
  /** Ids whose resources belonged to no subscription and were removed. */
  readonly orphansRemoved: string[];
  /** Idle, empty lanes put to sleep (cold lanes). */
  readonly cooled: string[];
  /** Cold lanes woken by the pass: a message waited in the queue, or cold lanes are off. */
  readonly woken: string[];
  /** Shard rule counters that differed from the stored subscriptions, and were corrected. */
  shardsRecounted?: { shard: number; was: number | undefined; now: number }[];
  readonly errors: { id: string; error: string }[];
  /** How many subscriptions the pass looked at, and how many it left for the next (deadline). */
  reconciled?: number;
  unfinished?: number;
  /** Where the next pass resumes, when this one stopped at its deadline. */
  resumeAfter?: string;
}

/**
 * One pass of the scheduled reconciler: retries failed (and abandoned) provisioning, repairs
 * lanes of live subscriptions whose resources are missing or differ, finishes interrupted
 * deletions, and removes lane resources with the prefix that belong to no subscription.
 * Each subscription is handled on its own: one failure is reported and the pass goes on.
 */
export async function reconcile(options: ReconcilerOptions): Promise<ReconcileReport> {
  const { store, provisioner } = options;
  const now = (options.now ?? (() => new Date()))().getTime();
  const staleMs = options.staleProvisioningMs ?? 5 * 60_000;
  const report: ReconcileReport = {
    provisioned: [],
    repaired: [],
    deleted: [],
    tenantsDeleted: [],
    orphansRemoved: [],
    cooled: [],
    woken: [],
    errors: [],
  };
  const { sleeper } = options;
  const idleMs = sleeper ? (options.laneIdleMs ?? 0) : 0;
  const subscriptions = await store.all();
  const tenantStatus = new Map(
    (await options.tenants?.all())?.map((tenant) => [tenant.id, tenant.status]) ?? [],
  );
  // One listing of every lane resource (a few paginated calls) instead of a lookup per lane.
  // Without it (a listing failed) each lane is looked up on its own, and no orphan is swept.
  let survey: LaneSurvey | undefined;
  try {
    survey = await provisioner.survey();
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    report.errors.push({ id: 'survey', error: message });
    options.logger?.warn('the survey of lane resources failed; lanes are looked up one by one', {
      error: message,
    });
  }

  // In id order, starting after where the last unfinished pass stopped.
  const resumeAfter = await options.checkpoint?.read();
  const ordered = subscriptions.map((s) => s.id).sort();
  const start = resumeAfter === undefined ? 0 : ordered.findIndex((id) => id > resumeAfter);
  const queue = start <= 0 ? ordered : [...ordered.slice(start), ...ordered.slice(0, start)];
  let next = 0;
  const clock = options.now ?? (() => new Date());
  const pastDeadline = (reserveMs = 0) =>
    options.deadline !== undefined && clock().getTime() >= options.deadline - reserveMs;
  const reserveMs = options.cleanupReserveMs ?? 0;
  const worker = async () => {
    while (next < queue.length && !pastDeadline(reserveMs)) {
      const id = queue[next++] as string;
      await reconcileId(id);
    }
  };
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  report.reconciled = next;
  report.unfinished = queue.length - next;
  if (next < queue.length) {
    report.resumeAfter = queue[next - 1] ?? resumeAfter;
    await options.checkpoint?.write(report.resumeAfter);
    options.logger?.info('reconciler pass stopped at its deadline; the next resumes', {
      reconciled: next,
      unfinished: report.unfinished,
      resumeAfter: report.resumeAfter,
    });
  } else if (resumeAfter !== undefined) await options.checkpoint?.write(undefined);

  // Lanes are made only after their record is written, so a lane without a record is an
  // orphan — unless the record was written after we listed: read it again before removing.
  const known = new Set(subscriptions.map((s) => s.id));
  for (const id of survey?.owners ?? []) {
    if (pastDeadline()) break;
    if (known.has(id) || (await store.get(id))) continue;
    try {
      await provisioner.deprovision(id);
      report.orphansRemoved.push(id);
    } catch (error) {
      report.errors.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const tenant of (await options.tenants?.all()) ?? []) {
    if (pastDeadline()) break;
    if (tenant.status !== 'deleting' || !options.tenants) continue;
    try {
      const tenants = options.tenants;
      const gone = await finishTenantDeletion(tenant, { tenants, subscriptions: store }, (id) =>
        store.get(id).then(async (subscription) => {
          if (subscription) await deleteOne(subscription);
          return true;
        }),
      );
      if (gone) report.tenantsDeleted.push(tenant.id);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      report.errors.push({ id: tenant.id, error: message });
    }
  }
  if (options.placement?.sharded && !pastDeadline()) {
    try {
      report.shardsRecounted = await options.placement.recount();
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      report.errors.push({ id: 'shard-counters', error: message });
    }
  }
  return report;

  async function reconcileId(id: string): Promise<void> {
    try {
      // The scan is eventually consistent and the pass takes time: act on the record as it is
      // now, or an edit made meanwhile (pause, new event types) would be undone as "drift".
      const subscription = await store.get(id);
      if (subscription && (await tenantGone(subscription))) await deleteOne(subscription);
      else if (subscription) await reconcileOne(subscription, survey);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      report.errors.push({ id, error: message });
      options.logger?.warn('reconciling a subscription failed', { id, error: message });
    }
  }

  /**
   * Whether the subscription's tenant is being deleted or is gone. A tenant the scan did not
   * list is read again (strongly) before its subscription is condemned: it may be new.
   */
  async function tenantGone(subscription: Subscription): Promise<boolean> {
    if (subscription.tenantId === undefined || !options.tenants) return false;
    const status = tenantStatus.get(subscription.tenantId);
    if (status === 'active') return false;
    if (status === 'deleting') return true;
    const tenant = await options.tenants.get(subscription.tenantId);
    return !tenant || tenant.status === 'deleting';
  }

  /** Removes the lane, then the record (a subscription `deleting`, or one of a deleted tenant). */
  async function deleteOne(subscription: Subscription): Promise<void> {
    const current =
      subscription.status === 'deleting'
        ? subscription
        : await store.save(subscription, { status: 'deleting', statusReason: undefined });
    await provisioner.deprovision(current.id);
    await store.remove(current.id, current.version);
    report.deleted.push(current.id);
  }

  async function reconcileOne(subscription: Subscription, survey?: LaneSurvey): Promise<void> {
    switch (subscription.status) {
      case 'provisioning':
        // Deferred by throttling (it says so): retried at once; otherwise it may still be in
        // the hands of the request that created it, until it is stale.
        if (!isDeferred(subscription) && now - Date.parse(subscription.updatedAt) < staleMs) return;
        return retryProvisioning(subscription);
      case 'failed':
        return retryProvisioning(subscription);
      case 'deleting':
        return deleteOne(subscription);
      default: {
        // A sleeping active lane costs a depth check and a target listing per pass, no more:
        // it is looked over in full once it wakes.
        if (subscription.status === 'active' && isCold(subscription)) {
          return sleeper ? reconcileCold(sleeper, subscription, survey) : warmUp(subscription);
        }
        const problems = await provisioner.inspect(subscription, survey);
        if (problems.length > 0) {
          const resources = await provisioner.provision(subscription);
          await store.save(subscription, { resources });
          report.repaired.push({ id: subscription.id, problems });
          return;
        }
        const queueUrl = subscription.resources?.queueUrl;
        if (!sleeper || !queueUrl || !mayGoCold(subscription, now, idleMs)) return;
        if ((await sleeper.depth(queueUrl)) > 0) return;
        if (await sleeper.sleep(subscription)) report.cooled.push(subscription.id);
      }
    }
  }

  /** Without a wake queue nothing could wake a cold lane: it is made hot again. */
  async function warmUp(subscription: Subscription): Promise<void> {
    const hot = await store.save(subscription, {
      lane: 'hot',
      lastActiveAt: new Date(now).toISOString(),
    });
    await provisioner.provision(hot);
    report.woken.push(subscription.id);
  }

  async function reconcileCold(
    sleeper: LaneSleeper,
    subscription: Subscription,
    survey?: LaneSurvey,
  ): Promise<void> {
    const queueUrl = subscription.resources?.queueUrl;
    const queueArn = subscription.resources?.queueArn;
    const every = options.coldTargetCheckEvery ?? 1;
    const checkTarget = every <= 1 || (options.random ?? Math.random)() < 1 / every;
    const [depth, targeted] = await Promise.all([
      queueUrl ? sleeper.depth(queueUrl) : 0,
      checkTarget ? sleeper.hasWakeTarget(subscription) : true,
    ]);
    if (mustWake(subscription, depth, idleMs)) {
      if ((await sleeper.wake(subscription.id)) === 'woken') report.woken.push(subscription.id);
      return;
    }
    if (!targeted) {
      await sleeper.putWakeTarget(subscription);
      report.repaired.push({ id: subscription.id, problems: ['the cold lane has no wake target'] });
    }
    // Still polled (its sleep stopped half-way): the survey says so for free; read afresh first.
    if (
      queueArn &&
      survey?.mappings.get(queueArn)?.enabled &&
      (await sleeper.finishSleep(subscription))
    ) {
      report.repaired.push({
        id: subscription.id,
        problems: ["the cold lane's mapping is enabled"],
      });
    }
  }

  async function retryProvisioning(subscription: Subscription): Promise<void> {
    try {
      const resources = await provisioner.provision({ ...subscription, status: 'active' });
      await store.save(subscription, { status: 'active', statusReason: undefined, resources });
      report.provisioned.push(subscription.id);
    } catch (error) {
      // Throttled: still only waiting for capacity, not failed; the next pass tries again.
      if (isThrottled(error)) {
        if (!isDeferred(subscription))
          await store.save(subscription, { status: 'provisioning', statusReason: DEFERRED_REASON });
        throw error;
      }
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await store.save(subscription, { status: 'failed', statusReason: reason });
      throw error;
    }
  }
}
