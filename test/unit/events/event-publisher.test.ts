import type {
  EventBridgeClient,
  PutEventsCommand,
  PutEventsResponse,
  PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { type BusEntry, entrySize } from '../../../shared/events/bus-entry.js';
import { EventBridgePublisher } from '../../../shared/events/event-publisher.js';

/** Entry `i` is recognisable by its detail-type, `e<i>`. */
function entries(count: number, detailBytes = 20): BusEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    Source: 'hookbridge',
    DetailType: `e${i}`,
    Detail: JSON.stringify({ pad: 'x'.repeat(detailBytes) }),
    EventBusName: 'bus',
  }));
}

type Answer = PutEventsResultEntry | 'ok';

/**
 * A stand-in for EventBridgeClient. `answers[detailType]` lists what EventBridge says for
 * that entry on its 1st, 2nd, … send (then `ok`); `throwFor` makes a call that holds that
 * entry throw instead.
 */
class FakeEventBridge {
  readonly calls: string[][] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly answers: Record<string, Answer[]> = {},
    private readonly throwFor: Record<string, Error> = {},
    private readonly beforeAnswer: (call: number) => Promise<void> = async () => {},
  ) {}

  async send(command: PutEventsCommand): Promise<PutEventsResponse> {
    const sent = (command.input.Entries ?? []).map((e) => e.DetailType ?? '?');
    const call = this.calls.push(sent) - 1;
    await this.beforeAnswer(call);
    for (const type of sent) {
      const error = this.throwFor[type];
      if (error) throw error;
    }
    const results = sent.map((type): PutEventsResultEntry => {
      const attempt = this.seen.get(type) ?? 0;
      this.seen.set(type, attempt + 1);
      const answer = this.answers[type]?.[attempt] ?? 'ok';
      return answer === 'ok' ? { EventId: `id-${type}-${attempt}` } : answer;
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /** How many times the entry with this detail-type was sent. */
  sends(type: string): number {
    return this.calls.flat().filter((t) => t === type).length;
  }

  asClient(): EventBridgeClient {
    return this as unknown as EventBridgeClient;
  }
}

const throttled: Answer = { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
const internal: Answer = { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
const ok = { ok: true };

describe('EventBridgePublisher', () => {
  it('sends 25 entries in 3 calls of at most 10, each entry once, all accepted', async () => {
    const fake = new FakeEventBridge();
    const outcomes = await new EventBridgePublisher(fake.asClient()).publish(entries(25));

    expect(fake.calls).toHaveLength(3);
    expect(fake.calls.map((c) => c.length).sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(fake.calls.flat().sort()).toEqual(
      entries(25)
        .map((e) => e.DetailType)
        .sort(),
    );
    expect(outcomes).toEqual(Array(25).fill(ok));
  });

  it('keeps each call within maxRequestBytes', async () => {
    // Equal sizes (two-digit detail-types), so exactly three fit in a call.
    const all = entries(12, 100).map((e, i) => ({ ...e, DetailType: `e${10 + i}` }));
    const size = entrySize(all[0] as BusEntry);
    const fake = new FakeEventBridge();
    const publisher = new EventBridgePublisher(fake.asClient(), { maxRequestBytes: size * 3 });

    const outcomes = await publisher.publish(all);

    expect(fake.calls.map((c) => c.length)).toEqual([3, 3, 3, 3]);
    expect(fake.calls.flat()).toEqual(all.map((e) => e.DetailType));
    expect(outcomes).toEqual(Array(12).fill(ok));
  });

  it('publishes nothing and reports nothing for no entries', async () => {
    const fake = new FakeEventBridge();
    expect(await new EventBridgePublisher(fake.asClient()).publish([])).toEqual([]);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    ['ThrottlingException', throttled],
    ['InternalFailure', internal],
    ['InternalException', { ErrorCode: 'InternalException', ErrorMessage: 'oops' }],
  ])('resends only the entries that failed with %s, until they succeed', async (_, failure) => {
    const fake = new FakeEventBridge({ e2: [failure], e5: [failure, failure] });
    const publisher = new EventBridgePublisher(fake.asClient(), { baseDelayMs: 0 });

    const outcomes = await publisher.publish(entries(8));

    expect(outcomes).toEqual(Array(8).fill(ok));
    expect(fake.calls).toEqual([
      ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'],
      ['e2', 'e5'],
      ['e5'],
    ]);
  });

  it('reports a non-retryable entry error for that entry only, without resending it', async () => {
    const fake = new FakeEventBridge({
      e1: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
    });
    const publisher = new EventBridgePublisher(fake.asClient(), { baseDelayMs: 0 });

    const outcomes = await publisher.publish(entries(3));

    expect(outcomes).toEqual([
      ok,
      { ok: false, code: 'MalformedDetail', message: 'Detail is malformed.' },
      ok,
    ]);
    expect(fake.sends('e1')).toBe(1);
    expect(fake.calls).toHaveLength(1);
  });

  it('reports a retryable failure that outlasts maxAttempts instead of dropping it', async () => {
    const fake = new FakeEventBridge({ e0: Array(10).fill(throttled) });
    const publisher = new EventBridgePublisher(fake.asClient(), {
      maxAttempts: 3,
      baseDelayMs: 0,
    });

    const outcomes = await publisher.publish(entries(2));

    expect(outcomes).toEqual([
      { ok: false, code: 'ThrottlingException', message: 'Rate exceeded' },
      ok,
    ]);
    expect(fake.sends('e0')).toBe(3);
  });

  it('tries once when maxAttempts is 1', async () => {
    const fake = new FakeEventBridge({ e0: [internal] });
    const publisher = new EventBridgePublisher(fake.asClient(), { maxAttempts: 1 });

    const outcomes = await publisher.publish(entries(1));

    expect(outcomes).toEqual([{ ok: false, code: 'InternalFailure', message: 'try again' }]);
    expect(fake.sends('e0')).toBe(1);
  });

  it('does not count an entry without an EventId in the answer as published', async () => {
    const fake = new FakeEventBridge({ e0: Array(5).fill({}) });
    const publisher = new EventBridgePublisher(fake.asClient(), { baseDelayMs: 0 });

    const [outcome] = await publisher.publish(entries(1));

    expect(outcome?.ok).toBe(false);
  });

  it('fails only the entries of a chunk whose call throws', async () => {
    const denied = Object.assign(new Error('not authorized to put events'), {
      name: 'AccessDeniedException',
    });
    const fake = new FakeEventBridge({}, { e14: denied });
    const publisher = new EventBridgePublisher(fake.asClient(), { baseDelayMs: 0 });

    const outcomes = await publisher.publish(entries(25));

    const failed = { ok: false, code: 'AccessDeniedException', message: denied.message };
    expect(outcomes.slice(0, 10)).toEqual(Array(10).fill(ok));
    expect(outcomes.slice(10, 20)).toEqual(Array(10).fill(failed));
    expect(outcomes.slice(20)).toEqual(Array(5).fill(ok));
  });

  it('fails only the still-pending entries when a retry call throws', async () => {
    const fake = new FakeEventBridge({ e1: [throttled] });
    let calls = 0;
    const client = {
      send: async (command: PutEventsCommand) => {
        calls++;
        if (calls === 2) throw new Error('socket hang up');
        return fake.send(command);
      },
    } as unknown as EventBridgeClient;

    const outcomes = await new EventBridgePublisher(client, { baseDelayMs: 0 }).publish(entries(3));

    expect(outcomes).toEqual([ok, { ok: false, code: 'Error', message: 'socket hang up' }, ok]);
  });

  it('returns outcomes in input order even when later chunks answer first', async () => {
    let releaseFirst = () => {};
    const firstMayAnswer = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const fake = new FakeEventBridge(
      {
        e3: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'bad e3' }],
        e17: [{ ErrorCode: 'InvalidArgument', ErrorMessage: 'bad e17' }],
        e21: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'bad e21' }],
      },
      {},
      async (call) => {
        if (call === 0) await firstMayAnswer;
        if (call === 2) releaseFirst();
      },
    );

    const outcomes = await new EventBridgePublisher(fake.asClient()).publish(entries(25));

    expect(outcomes).toHaveLength(25);
    outcomes.forEach((outcome, i) => {
      if ([3, 17, 21].includes(i)) {
        expect(outcome, `entry ${i}`).toEqual({
          ok: false,
          code: expect.any(String),
          message: `bad e${i}`,
        });
      } else {
        expect(outcome, `entry ${i}`).toEqual(ok);
      }
    });
  });
});
