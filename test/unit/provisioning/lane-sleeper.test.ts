import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { versionConflict } from '../../../shared/aws/versioned-update.js';
import type {
  EventSourceMappings,
  MappingSpec,
} from '../../../shared/provisioning/event-source-mappings.js';
import { LaneSleeper } from '../../../shared/provisioning/lane-sleeper.js';
import { wakeBatch } from '../../../shared/provisioning/wake-batch.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const ID = 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV';
const WAKE_QUEUE = 'arn:aws:sqs:us-east-1:1:hookbridge-wake';

/**
 * One lane's world, recording every step in order: a store with optimistic versions (a stale
 * write fails as DynamoDB's condition does), SQS answering a queue depth, EventBridge, mappings.
 */
function world(initial: Partial<Subscription> = {}, depth = 0, mappingEnabled = false) {
  const steps: string[] = [];
  let record: Subscription | undefined = {
    id: ID,
    url: 'https://example.com/hook',
    eventTypes: ['a.b'],
    maxConcurrency: 5,
    retrySchedule: [60],
    status: 'active',
    secrets: [],
    resources: {
      queueName: `hookbridge-${ID}`,
      queueUrl: `https://sqs/hookbridge-${ID}`,
      queueArn: `arn:aws:sqs:us-east-1:1:hookbridge-${ID}`,
      deadLetterQueueName: `hookbridge-${ID}-dlq`,
      ruleName: `hookbridge-${ID}`,
    },
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    version: 1,
    ...initial,
  };
  const client = (name: string) =>
    ({
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const step = command.constructor.name.replace(/Command$/, '');
        steps.push(`${name}.${step}`);
        if (step === 'GetQueueAttributes') {
          return { Attributes: { ApproximateNumberOfMessages: String(depth) } };
        }
        return { FailedEntryCount: 0 };
      },
    }) as never;
  const store = {
    get: async () => {
      steps.push('store.get');
      return record && { ...record };
    },
    save: async (current: Subscription, changes: Partial<Subscription>) => {
      if (!record || record.version !== current.version) {
        steps.push('store.save conflict');
        throw versionConflict(
          new ConditionalCheckFailedException({ message: 'stale', $metadata: {} }),
          ID,
        );
      }
      steps.push(`store.save ${JSON.stringify(changes.lane)}`);
      record = { ...record, ...changes, version: record.version + 1 };
      return { ...record };
    },
  };
  const mappings = {
    ensure: async (spec: MappingSpec) => {
      steps.push(`mappings.ensure ${spec.enabled ? 'enabled' : 'disabled'}`);
      return 'uuid';
    },
    find: async (queueArn: string) => {
      steps.push('mappings.find');
      return { id: 'uuid', queueArn, maxConcurrency: 5, enabled: mappingEnabled };
    },
  } as unknown as EventSourceMappings;
  const sleeper = new LaneSleeper(
    {
      sqs: client('sqs') as SQSClient,
      events: client('events') as EventBridgeClient,
      mappings,
      store,
    },
    { prefix: 'hookbridge', busName: 'bus', wakeQueueArn: WAKE_QUEUE },
  );
  return {
    steps,
    sleeper,
    record: () => record,
    edit: (changes: Partial<Subscription>) => {
      if (record) record = { ...record, ...changes, version: record.version + 1 };
    },
  };
}

describe('putting a lane to sleep', () => {
  it('marks the record, then adds the wake target, then disables the mapping, then looks again', async () => {
    const w = world();
    const lane = w.record();
    if (!lane) throw new Error('no record');
    expect(await w.sleeper.sleep(lane)).toBe(true);
    expect(w.steps).toEqual([
      'store.save "cold"',
      'events.PutTargets',
      'mappings.ensure disabled',
      'store.get',
      'sqs.GetQueueAttributes',
    ]);
    expect(w.record()?.lane).toBe('cold');
  });

  it('finishes a sleep that stopped before the mapping: disables it, then looks again', async () => {
    const w = world({ lane: 'cold' }, 0, true);
    const lane = w.record();
    if (!lane) throw new Error('no record');
    expect(await w.sleeper.finishSleep(lane)).toBe(true);
    expect(w.steps).toEqual([
      'mappings.find',
      'mappings.ensure disabled',
      'store.get',
      'sqs.GetQueueAttributes',
    ]);
    // A mapping found disabled afresh (the survey was stale) is left alone.
    const done = world({ lane: 'cold' }, 0, false);
    const asleep = done.record();
    if (!asleep) throw new Error('no record');
    expect(await done.sleeper.finishSleep(asleep)).toBe(false);
    expect(done.steps).toEqual(['mappings.find']);
  });

  it('wakes the lane at once when a message came in meanwhile', async () => {
    const w = world({}, 1);
    const lane = w.record();
    if (!lane) throw new Error('no record');
    await w.sleeper.sleep(lane);
    expect(w.steps.slice(5)).toEqual([
      'store.get',
      'store.save "hot"',
      'mappings.ensure enabled',
      'events.RemoveTargets',
    ]);
    expect(w.record()?.lane).toBe('hot');
  });

  it('does nothing to a lane whose record changed since the pass read it', async () => {
    const w = world();
    const stale = w.record();
    if (!stale) throw new Error('no record');
    w.edit({ status: 'paused' });
    expect(await w.sleeper.sleep(stale)).toBe(false);
    expect(w.steps).toEqual(['store.save conflict']);
  });
});

describe('waking a lane', () => {
  it('marks the record hot, then enables the mapping, then removes the wake target', async () => {
    const w = world({ lane: 'cold' });
    expect(await w.sleeper.wake(ID)).toBe('woken');
    expect(w.steps).toEqual([
      'store.get',
      'store.save "hot"',
      'mappings.ensure enabled',
      'events.RemoveTargets',
    ]);
    expect(w.record()?.lastActiveAt).toBeDefined();
  });

  it('wakes once for a burst: the versioned write lets one win, the rest find it hot', async () => {
    const w = world({ lane: 'cold' });
    const results = await Promise.all([w.sleeper.wake(ID), w.sleeper.wake(ID), w.sleeper.wake(ID)]);
    expect(results.filter((r) => r === 'woken')).toHaveLength(1);
    expect(results.filter((r) => r === 'already-hot')).toHaveLength(2);
    expect(w.steps.filter((s) => s === 'mappings.ensure enabled')).toHaveLength(1);
  });

  it('drops the wake of a paused, disabled or deleted subscription, touching nothing', async () => {
    for (const status of ['paused', 'disabled', 'deleting'] as const) {
      const w = world({ lane: 'cold', status });
      expect(await w.sleeper.wake(ID)).toBe('dropped');
      expect(w.steps).toEqual(['store.get']);
    }
  });
});

describe('a batch of wake messages', () => {
  const record = (messageId: string, body: string) =>
    ({ messageId, body, attributes: {}, eventSourceARN: WAKE_QUEUE }) as never;
  const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;

  it('wakes each lane once, however many of its events the batch holds', async () => {
    const woken: string[] = [];
    const { response, results } = await wakeBatch(
      {
        wake: async (id) => {
          woken.push(id);
          return 'woken';
        },
      },
      [
        record('1', '{"wake":"sub_A","eventTime":"2026-12-03T12:00:00Z"}'),
        record('2', '{"wake":"sub_A","eventTime":"2026-12-03T12:00:01Z"}'),
        record('3', '{"wake":"sub_B"}'),
        record('4', 'not a wake message'),
      ],
      quiet,
    );
    expect(woken.sort()).toEqual(['sub_A', 'sub_B']);
    expect([...results.keys()].sort()).toEqual(['sub_A', 'sub_B']);
    expect(response.batchItemFailures).toEqual([]);
  });

  it('gives back every message of a lane whose wake failed, and only those', async () => {
    const { response } = await wakeBatch(
      {
        wake: async (id) => {
          if (id === 'sub_A') throw new Error('throttled');
          return 'woken';
        },
      },
      [
        record('1', '{"wake":"sub_A"}'),
        record('2', '{"wake":"sub_B"}'),
        record('3', '{"wake":"sub_A"}'),
      ],
      quiet,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '3' }]);
  });
});

describe('on bus shards', () => {
  /** A sleeper over three buses, recording which bus each EventBridge call went to. */
  function sharded() {
    const calls: string[] = [];
    const events = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        calls.push(
          `${command.constructor.name.replace(/Command$/, '')} ${command.input.EventBusName}`,
        );
        return { FailedEntryCount: 0, Targets: [{ Id: 'wake', Arn: WAKE_QUEUE }] };
      },
    } as unknown as EventBridgeClient;
    const sleeper = new LaneSleeper(
      { sqs: {} as SQSClient, events, mappings: {} as EventSourceMappings, store: {} as never },
      {
        prefix: 'hookbridge',
        busName: 'bus',
        busNames: ['bus', 'bus-1', 'bus-2'],
        wakeQueueArn: WAKE_QUEUE,
      },
    );
    return { calls, sleeper };
  }

  it("puts, checks and removes an operator lane's wake target on its rule on every shard", async () => {
    const { calls, sleeper } = sharded();
    await sleeper.putWakeTarget({ id: ID });
    expect(await sleeper.hasWakeTarget({ id: ID })).toBe(true);
    await sleeper.removeWakeTarget({ id: ID });
    expect(calls).toEqual([
      'PutTargets bus',
      'PutTargets bus-1',
      'PutTargets bus-2',
      'ListTargetsByRule bus',
      'ListTargetsByRule bus-1',
      'ListTargetsByRule bus-2',
      'RemoveTargets bus',
      'RemoveTargets bus-1',
      'RemoveTargets bus-2',
    ]);
  });

  it("touches only a tenant lane's own shard", async () => {
    const { calls, sleeper } = sharded();
    await sleeper.putWakeTarget({ id: ID, tenantId: 'acme', shard: 2 });
    await sleeper.removeWakeTarget({ id: ID, tenantId: 'acme', shard: 2 });
    expect(calls).toEqual(['PutTargets bus-2', 'RemoveTargets bus-2']);
  });
});
