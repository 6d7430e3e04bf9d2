import { describe, expect, it } from 'vitest';
import { DEFERRED_REASON } from '../../../shared/provisioning/deferred.js';
import type { MappingState } from '../../../shared/provisioning/event-source-mappings.js';
import type { LaneSleeper } from '../../../shared/provisioning/lane-sleeper.js';
import type { LaneSurvey, Provisioner } from '../../../shared/provisioning/provisioner.js';
import { type ReconcileCheckpoint, reconcile } from '../../../shared/provisioning/reconciler.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';
import type { SubscriptionStore } from '../../../shared/subscriptions/subscription-store.js';

// The pass at scale, with a store and a provisioner that count what is asked of them: how many
// lanes are looked at at once, where a pass cut short by its deadline resumes, and what a
// throttled provisioning leaves behind.

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

function subscription(n: number, changes: Partial<Subscription> = {}): Subscription {
  return {
    id: `sub_${String(n).padStart(26, '0')}`,
    url: 'https://example.com/hook',
    eventTypes: ['*'],
    maxConcurrency: 5,
    retrySchedule: [5],
    status: 'active',
    secrets: [],
    resources: { queueName: 'q', deadLetterQueueName: 'd', ruleName: 'r' },
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    version: 1,
    ...changes,
  } as Subscription;
}

function fakeStore(records: Subscription[]) {
  const byId = new Map(records.map((r) => [r.id, r]));
  const store = {
    all: async () => [...byId.values()],
    get: async (id: string) => byId.get(id),
    save: async (record: Subscription, changes: Partial<Subscription>) => {
      const saved = { ...record, ...changes, version: record.version + 1 } as Subscription;
      byId.set(record.id, saved);
      return saved;
    },
    remove: async (id: string) => {
      byId.delete(id);
    },
  };
  return { store: store as unknown as SubscriptionStore, byId };
}

const EMPTY_SURVEY: LaneSurvey = {
  owners: new Set(),
  queueUrls: new Map(),
  rules: new Map(),
  mappings: new Map<string, MappingState>(),
};

/** A provisioner whose inspect takes `ms` and records how many run at once, and for whom. */
function fakeProvisioner(options: { ms?: number; provision?: (s: Subscription) => Promise<void> }) {
  const seen: string[] = [];
  const surveysPassed: (LaneSurvey | undefined)[] = [];
  let running = 0;
  let maxRunning = 0;
  let surveys = 0;
  const provisioner = {
    survey: async () => {
      surveys++;
      return EMPTY_SURVEY;
    },
    inspect: async (s: Subscription, survey?: LaneSurvey) => {
      surveysPassed.push(survey);
      running++;
      maxRunning = Math.max(maxRunning, running);
      seen.push(s.id);
      await new Promise((resolve) => setTimeout(resolve, options.ms ?? 0));
      running--;
      return [];
    },
    provision: async (s: Subscription) => {
      await options.provision?.(s);
      return s.resources;
    },
    deprovision: async () => {},
  };
  return {
    provisioner: provisioner as unknown as Provisioner,
    seen,
    surveysPassed,
    stats: () => ({ maxRunning, surveys }),
  };
}

function memoryCheckpoint(): ReconcileCheckpoint & { value: string | undefined } {
  return {
    value: undefined,
    async read() {
      return this.value;
    },
    async write(resumeAfter) {
      this.value = resumeAfter;
    },
  };
}

describe('a reconciler pass over many lanes', () => {
  it('looks at `concurrency` lanes at once, each once, with one survey for the pass', async () => {
    const records = Array.from({ length: 40 }, (_, n) => subscription(n));
    const { store } = fakeStore(records);
    const fake = fakeProvisioner({ ms: 5 });
    const report = await reconcile({ store, provisioner: fake.provisioner, concurrency: 8 });
    expect(fake.stats()).toEqual({ maxRunning: 8, surveys: 1 });
    expect([...fake.seen].sort()).toEqual(records.map((r) => r.id));
    expect(fake.surveysPassed.every((survey) => survey === EMPTY_SURVEY)).toBe(true);
    expect(report).toMatchObject({ reconciled: 40, unfinished: 0, errors: [] });
    expect(report.resumeAfter).toBeUndefined();
  });

  it('one at a time by default', async () => {
    const { store } = fakeStore(Array.from({ length: 5 }, (_, n) => subscription(n)));
    const fake = fakeProvisioner({ ms: 2 });
    await reconcile({ store, provisioner: fake.provisioner });
    expect(fake.stats().maxRunning).toBe(1);
  });

  it('stops at its deadline, and the next pass resumes after the last lane it started', async () => {
    const records = Array.from({ length: 10 }, (_, n) => subscription(n));
    const ids = records.map((r) => r.id);
    const { store } = fakeStore(records);
    const checkpoint = memoryCheckpoint();
    // A clock that moves one second per look: the deadline lets 4 lanes start.
    let clock = T0;
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    const first = fakeProvisioner({});
    const cut = await reconcile({
      store,
      provisioner: first.provisioner,
      checkpoint,
      deadline: T0 + 5_500,
      now,
    });
    expect(first.seen).toEqual(ids.slice(0, 4));
    expect(cut).toMatchObject({ reconciled: 4, unfinished: 6, resumeAfter: ids[3] });
    expect(checkpoint.value).toBe(ids[3]);

    // The next pass, with time enough: the six left first, then round to the start.
    const second = fakeProvisioner({});
    const full = await reconcile({ store, provisioner: second.provisioner, checkpoint });
    expect(second.seen).toEqual([...ids.slice(4), ...ids.slice(0, 4)]);
    expect(full).toMatchObject({ reconciled: 10, unfinished: 0 });
    expect(checkpoint.value).toBeUndefined();
  });

  it('sweeps orphans in a pass cut short too, in the time it keeps for them, and not past the deadline', async () => {
    const { store } = fakeStore([subscription(1), subscription(2)]);
    const deprovisioned: string[] = [];
    const provisioner = {
      survey: async () => ({ ...EMPTY_SURVEY, owners: new Set(['sub_orphan']) }),
      inspect: async () => [],
      provision: async () => ({}),
      deprovision: async (id: string) => {
        deprovisioned.push(id);
      },
    } as unknown as Provisioner;
    const now = () => new Date(T0);
    // The lanes' time is over (5 s kept for clean-up, 1 s left): no lane, but the sweep.
    const cut = await reconcile({
      store,
      provisioner,
      deadline: T0 + 1000,
      cleanupReserveMs: 5000,
      checkpoint: memoryCheckpoint(),
      now,
    });
    expect(cut).toMatchObject({ reconciled: 0, unfinished: 2, orphansRemoved: ['sub_orphan'] });
    // Past the deadline itself: nothing more.
    const late = await reconcile({ store, provisioner, deadline: T0, now });
    expect(late).toMatchObject({ reconciled: 0, unfinished: 2, orphansRemoved: [] });
    expect(deprovisioned).toEqual(['sub_orphan']);
  });

  it('goes on without its survey when a listing fails: each lane looked up alone, no sweep', async () => {
    const { store } = fakeStore([subscription(1), subscription(2)]);
    const fake = fakeProvisioner({});
    let deprovisioned = 0;
    const provisioner = Object.assign(fake.provisioner, {
      survey: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      },
      deprovision: async () => {
        deprovisioned++;
      },
    });
    const report = await reconcile({ store, provisioner });
    expect(report.errors).toEqual([
      { id: 'survey', error: 'TooManyRequestsException: Rate exceeded' },
    ]);
    expect(report.reconciled).toBe(2);
    expect(fake.surveysPassed).toEqual([undefined, undefined]);
    expect(deprovisioned).toBe(0);
  });

  it('keeps a throttled subscription provisioning (never failed), and finishes it on the next pass', async () => {
    const deferred = subscription(1, {
      status: 'provisioning',
      statusReason: DEFERRED_REASON,
      // Fresh: a plain `provisioning` this young is left to the request that is making it.
      updatedAt: new Date().toISOString(),
    });
    const young = subscription(2, { status: 'provisioning', updatedAt: new Date().toISOString() });
    const { store, byId } = fakeStore([deferred, young]);
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    let throttle = true;
    const provisioned: string[] = [];
    const fake = fakeProvisioner({
      provision: async (s) => {
        if (throttle) throw throttled;
        provisioned.push(s.id);
      },
    });
    const busy = await reconcile({ store, provisioner: fake.provisioner });
    expect(busy.errors.map((e) => e.id)).toEqual([deferred.id]);
    expect(byId.get(deferred.id)).toMatchObject({
      status: 'provisioning',
      statusReason: DEFERRED_REASON,
    });

    throttle = false;
    const done = await reconcile({ store, provisioner: fake.provisioner });
    expect(done.provisioned).toEqual([deferred.id]);
    expect(provisioned).toEqual([deferred.id]);
    expect(byId.get(deferred.id)).toMatchObject({ status: 'active' });
    expect(byId.get(deferred.id)?.statusReason).toBeUndefined();
    expect(byId.get(young.id)?.status).toBe('provisioning');
  });

  it('marks a subscription failed on an error that is not throttling', async () => {
    const stale = subscription(1, { status: 'failed', statusReason: 'earlier' });
    const { store, byId } = fakeStore([stale]);
    const fake = fakeProvisioner({
      provision: async () => {
        throw Object.assign(new Error('no such bus'), { name: 'ResourceNotFoundException' });
      },
    });
    await reconcile({ store, provisioner: fake.provisioner });
    expect(byId.get(stale.id)).toMatchObject({
      status: 'failed',
      statusReason: 'ResourceNotFoundException: no such bus',
    });
  });

  it("lists a cold lane's wake target in one pass of `coldTargetCheckEvery`, and reads its depth every pass", async () => {
    const cold = Array.from({ length: 30 }, (_, n) =>
      subscription(n, {
        lane: 'cold',
        resources: {
          queueName: 'q',
          queueUrl: `http://q/${n}`,
          deadLetterQueueName: 'd',
          ruleName: 'r',
        },
      }),
    );
    const { store } = fakeStore(cold);
    const calls = { depth: 0, targets: 0 };
    const sleeper = {
      depth: async () => {
        calls.depth++;
        return 0;
      },
      hasWakeTarget: async () => {
        calls.targets++;
        return true;
      },
      wake: async () => 'woken',
      putWakeTarget: async () => {},
    } as unknown as LaneSleeper;
    const fake = fakeProvisioner({});
    // A fixed sequence: 0.1, 0.3, 0.5, 0.7, 0.9, … — below 1/3 for a third of the lanes.
    let k = 0;
    const random = () => ((k++ % 5) * 2 + 1) / 10;
    await reconcile({
      store,
      provisioner: fake.provisioner,
      sleeper,
      laneIdleMs: 60_000,
      coldTargetCheckEvery: 3,
      random,
    });
    expect(calls).toEqual({ depth: 30, targets: 12 });
    // Cold lanes are not inspected in full either way.
    expect(fake.seen).toEqual([]);

    calls.depth = 0;
    calls.targets = 0;
    await reconcile({ store, provisioner: fake.provisioner, sleeper, laneIdleMs: 60_000 });
    expect(calls).toEqual({ depth: 30, targets: 30 });
  });

  it("finishes a cold lane's sleep whose mapping is still enabled, after reading it afresh", async () => {
    const arn = (n: number) => `arn:aws:sqs:us-east-1:000000000000:q${n}`;
    const cold = [1, 2].map((n) =>
      subscription(n, {
        lane: 'cold',
        resources: {
          queueName: `q${n}`,
          queueUrl: `http://q/${n}`,
          queueArn: arn(n),
          deadLetterQueueName: 'd',
          ruleName: 'r',
        },
      }),
    );
    const { store } = fakeStore(cold);
    // The survey says both are polled; afresh, only the first still is (the second's was stale).
    const survey: LaneSurvey = {
      ...EMPTY_SURVEY,
      mappings: new Map(
        [1, 2].map((n) => [
          arn(n),
          { id: `m${n}`, queueArn: arn(n), maxConcurrency: 5, enabled: true },
        ]),
      ),
    };
    const finished: string[] = [];
    const sleeper = {
      depth: async () => 0,
      hasWakeTarget: async () => true,
      finishSleep: async (s: Subscription) => {
        const enabled = s.id === cold[0]?.id;
        if (enabled) finished.push(s.id);
        return enabled;
      },
    } as unknown as LaneSleeper;
    const provisioner = Object.assign(fakeProvisioner({}).provisioner, {
      survey: async () => survey,
    });
    const report = await reconcile({ store, provisioner, sleeper, laneIdleMs: 60_000 });
    expect(finished).toEqual([cold[0]?.id]);
    expect(report.repaired).toEqual([
      { id: cold[0]?.id, problems: ["the cold lane's mapping is enabled"] },
    ]);
  });
});
