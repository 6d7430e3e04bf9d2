/**
 * The cold-lane part of the cost model (bench/cost-model.ts prints it): what an idle
 * subscriber costs a month once its lane sleeps, what one wake costs, and what the shared wake
 * queue costs the installation. Every figure is counted from the calls the code makes
 * (shared/provisioning/reconciler.ts, lane-sleeper.ts, wake-batch.ts).
 */

/** The prices this part needs, in USD (from the cost model's PRICES). */
export interface ColdLanePrices {
  readonly sqsRequest: number;
  readonly dynamoRead: number;
  readonly dynamoWrite: number;
  readonly lambdaRequest: number;
  readonly lambdaArmGbSecond: number;
}

/** The assumptions this part reads (the cost model's, overridable on its command line). */
export interface ColdLaneAssumptions {
  readonly reconcileMinutes: number;
  readonly idlePollers: number;
  readonly longPollSeconds: number;
  /** The idle period after which a lane goes cold (the construct's default: 24 h). */
  readonly laneIdleHours: number;
  /** Reconciler time per cold lane and pass: its depth check and target listing, run at once. */
  readonly coldLaneReconcilerMs: number;
  /** One waker invocation (256 MB): read, versioned write, list + update mapping, remove target. */
  readonly wakeMs: number;
}

export interface ColdLaneLine {
  readonly component: string;
  readonly usd: number;
  readonly basis: string;
}

const HOURS_PER_MONTH = 730;
/** A subscription record (the model's SUBSCRIPTION_ITEM_BYTES): one strongly consistent read unit. */
const SUBSCRIPTION_ITEM_BYTES = 1500;
const n = (value: number) => Math.round(value).toLocaleString('en-US');

/** One idle subscriber whose lane sleeps all month: what the reconciler spends on it. */
export function idleColdSubscriber(a: ColdLaneAssumptions, p: ColdLanePrices): ColdLaneLine[] {
  const passes = (HOURS_PER_MONTH * 60) / a.reconcileMinutes;
  const scanRru = 0.5 * (SUBSCRIPTION_ITEM_BYTES / 4096);
  return [
    {
      component: 'Polling of its queue',
      usd: 0,
      basis: 'the event source mapping is disabled: Lambda makes no ReceiveMessage',
    },
    {
      component: 'Reconciler: depth check',
      usd: passes * p.sqsRequest,
      basis: `${n(passes)} passes × 1 GetQueueAttributes (Approximate* counts)`,
    },
    {
      component: 'Reconciler: wake-target check',
      usd: 0,
      basis: `${n(passes)} passes × 1 ListTargetsByRule (EventBridge API calls are not billed; only events are)`,
    },
    {
      component: 'Reconciler: its record',
      usd: passes * (1 + scanRru) * p.dynamoRead,
      basis: `${n(passes)} passes × (1 strongly consistent GetItem + ${scanRru.toFixed(2)} RRU of the scan)`,
    },
    {
      component: 'Reconciler: Lambda time (256 MB)',
      usd: passes * 0.25 * (a.coldLaneReconcilerMs / 1000) * p.lambdaArmGbSecond,
      basis: `${n(passes)} passes × ${a.coldLaneReconcilerMs} ms (two calls at once)`,
    },
    {
      component: 'Wake target, rule, queues, DLQ',
      usd: 0,
      basis: 'rules and targets are free while no event matches; SQS bills requests, not queues',
    },
  ];
}

/** One cold start: the wake, and the idle period of polling before the lane sleeps again. */
export function wakeCost(a: ColdLaneAssumptions, p: ColdLanePrices): ColdLaneLine[] {
  const idleDayPolls = a.idlePollers * (3600 / a.longPollSeconds) * a.laneIdleHours;
  const record = Math.ceil(SUBSCRIPTION_ITEM_BYTES / 1024);
  return [
    {
      component: 'Wake message',
      usd: 3 * p.sqsRequest,
      basis: 'EventBridge sends it (SendMessage); Lambda receives and deletes it (batches of ≤ 10)',
    },
    {
      component: 'Waker invocation (reconciler, 256 MB)',
      usd: p.lambdaRequest + 0.25 * (a.wakeMs / 1000) * p.lambdaArmGbSecond,
      basis: `1 invocation × ${a.wakeMs} ms; ListEventSourceMappings, UpdateEventSourceMapping, RemoveTargets are not billed`,
    },
    {
      component: 'Waker: record read + versioned write',
      usd: p.dynamoRead + record * p.dynamoWrite,
      basis: `1 RRU + ${record} WRU (a ${SUBSCRIPTION_ITEM_BYTES} B item)`,
    },
    {
      component: `Polling until it sleeps again (${a.laneIdleHours} h)`,
      usd: idleDayPolls * p.sqsRequest,
      basis: `${a.idlePollers} pollers × ${3600 / a.longPollSeconds}/h × ${a.laneIdleHours} h = ${n(idleDayPolls)} empty ReceiveMessage`,
    },
    {
      component: 'Going cold again',
      usd: 2 * p.sqsRequest + p.dynamoRead + record * p.dynamoWrite,
      basis: `2 GetQueueAttributes, 1 RRU, ${record} WRU; PutTargets and UpdateEventSourceMapping are not billed`,
    },
  ];
}

/** The shared wake queue, once per installation: Lambda's pollers on it. */
export function wakeQueueFloor(a: ColdLaneAssumptions, p: ColdLanePrices): ColdLaneLine[] {
  const polls = a.idlePollers * (3600 / a.longPollSeconds) * HOURS_PER_MONTH;
  return [
    {
      component: 'Wake queue polling',
      usd: polls * p.sqsRequest,
      basis: `${a.idlePollers} pollers (MaximumConcurrency 2 is set, so Lambda keeps 5) × ${n(polls / a.idlePollers)} empty ReceiveMessage/month`,
    },
  ];
}
