import { EVENT_DAY_SHARDS } from '../aws/table-indexes.js';
import { encodeEventCursor } from './event-cursor.js';
import type { EventSummary } from './stored-event.js';

/** A type condition: the exact type, or every type under a prefix (`invoice.` for `invoice.*`). */
export type TypeCondition = { readonly exact: string } | { readonly prefix: string };

/** One read of one partition of an index, newest first, within `[lower, upper]` by timeKey. */
export interface PartitionRead {
  readonly index: 'byTenant' | 'byTime';
  readonly partition: string;
  readonly lower: string;
  readonly upper: string;
  readonly type?: TypeCondition;
  readonly limit: number;
  readonly startKey?: unknown;
}

/** What one read found: summaries with their timeKey, and where to go on (absent at the end). */
export interface PartitionPage {
  readonly items: readonly (EventSummary & { readonly timeKey: string })[];
  /** The timeKey of the last item the read evaluated (matched or not), when more may follow. */
  readonly lastTimeKey?: string;
  readonly startKey?: unknown;
}

/** The port the list reads through (DynamoDB Query in production). */
export interface EventIndexReader {
  read(request: PartitionRead): Promise<PartitionPage>;
}

/** Partitions read together, whose events interleave: merged newest first. */
export interface PartitionGroup {
  readonly index: 'byTenant' | 'byTime';
  readonly partitions: readonly string[];
  /** The highest position of the group (exclusive), where a cursor resumes after it. */
  readonly upper: string;
}

export interface ListRequest {
  readonly groups: readonly PartitionGroup[];
  /** Inclusive lower bound of timeKeys (`from`). */
  readonly lower: string;
  /** Exclusive upper bound of timeKeys (a cursor's position, or just above `to`). */
  readonly upper: string;
  readonly type?: TypeCondition;
  readonly limit: number;
  /** Queries one request may make before it answers with what it has and a cursor. */
  readonly readBudget: number;
}

export interface EventListPage {
  readonly data: EventSummary[];
  readonly nextCursor?: string;
}

/** Reads per request: each is one Query of at most 1 MB; at 4 shards a day, a week of empty days. */
export const LIST_READ_BUDGET = 32;

/**
 * The byTime groups of a range, newest day first: each UTC day from `upper`'s back to
 * `lower`'s, as its EVENT_DAY_SHARDS shards. A group's `upper` is the start of the next day,
 * so a cursor at a day boundary resumes with the day before.
 */
export function dayGroups(lower: string, upper: string): PartitionGroup[] {
  const groups: PartitionGroup[] = [];
  const first = Date.parse(lower.slice(0, 10));
  let newest = Date.parse(upper.slice(0, 10));
  // A position at midnight (a cursor left between days) holds nothing of its own day.
  if (upper <= new Date(newest).toISOString()) newest -= 86_400_000;
  for (let day = newest; day >= first; day -= 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    groups.push({
      index: 'byTime',
      partitions: Array.from({ length: EVENT_DAY_SHARDS }, (_, shard) => `${date}#${shard}`),
      upper: new Date(day + 86_400_000).toISOString(),
    });
  }
  return groups;
}

interface PartitionState {
  readonly partition: string;
  items: (EventSummary & { timeKey: string })[];
  startKey: unknown;
  lastTimeKey: string | undefined;
  done: boolean;
}

/**
 * One page of stored events, newest first, merged across the groups' partitions. A partition
 * whose reads ran out of budget before it gave enough items bounds the page: nothing below the
 * last position it read is answered (it may hold newer events than the other partitions' next
 * ones), and the cursor resumes there. A cursor is answered whenever more may follow, so the
 * last page of a listing can be empty.
 */
export async function listEvents(
  reader: EventIndexReader,
  request: ListRequest,
): Promise<EventListPage> {
  const data: (EventSummary & { timeKey: string })[] = [];
  let reads = 0;
  for (const [g, group] of request.groups.entries()) {
    const need = request.limit - data.length;
    const upper = group.upper < request.upper ? group.upper : request.upper;
    const states: PartitionState[] = group.partitions.map((partition) => ({
      partition,
      items: [],
      startKey: undefined,
      lastTimeKey: undefined,
      done: false,
    }));
    for (;;) {
      const pending = states.filter((s) => !s.done && s.items.length < need);
      if (pending.length === 0 || reads + pending.length > request.readBudget) break;
      reads += pending.length;
      await Promise.all(
        pending.map(async (state) => {
          const page = await reader.read({
            index: group.index,
            partition: state.partition,
            lower: request.lower,
            upper,
            ...(request.type && { type: request.type }),
            limit: need - state.items.length + 1,
            ...(state.startKey !== undefined && { startKey: state.startKey }),
          });
          // The read's upper bound is inclusive; the position itself was on the last page.
          state.items.push(...page.items.filter((item) => item.timeKey !== upper));
          state.startKey = page.startKey;
          state.lastTimeKey = page.lastTimeKey;
          state.done = page.startKey === undefined;
        }),
      );
    }
    const short = states.filter((s) => !s.done && s.items.length < need);
    // A partition never read has told nothing: then nothing of the group may be answered.
    const boundary = short
      .map((s) => s.lastTimeKey ?? upper)
      .reduce<string | undefined>(
        (max, key) => (max === undefined || key > max ? key : max),
        undefined,
      );
    const merged = states
      .flatMap((s) => s.items)
      .filter((item) => boundary === undefined || item.timeKey > boundary)
      .sort((a, b) => (a.timeKey < b.timeKey ? 1 : a.timeKey > b.timeKey ? -1 : 0));
    const taken = merged.slice(0, need);
    data.push(...taken);
    const last = data.at(-1)?.timeKey;
    if (boundary !== undefined) {
      return page(data, taken.length === need && last !== undefined ? last : boundary);
    }
    if (data.length >= request.limit) {
      const more =
        merged.length > need || states.some((s) => !s.done) || g < request.groups.length - 1;
      return page(data, more ? last : undefined);
    }
    const next = request.groups[g + 1];
    if (next && reads + next.partitions.length > request.readBudget) {
      // Out of budget between days: resume with the next day.
      return page(data, next.upper < request.upper ? next.upper : request.upper);
    }
  }
  return page(data, undefined);
}

function page(
  items: readonly (EventSummary & { timeKey: string })[],
  position: string | undefined,
): EventListPage {
  const data = items.map(({ timeKey: _timeKey, ...summary }) => summary);
  return position === undefined ? { data } : { data, nextCursor: encodeEventCursor(position) };
}
