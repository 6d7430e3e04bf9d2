import { describe, expect, it } from 'vitest';
import { decodeEventCursor, encodeEventCursor } from '../../../shared/events/event-cursor.js';
import { newEventId } from '../../../shared/events/event-id.js';
import {
  dayGroups,
  type EventIndexReader,
  type EventListPage,
  listEvents,
  type PartitionRead,
  type TypeCondition,
} from '../../../shared/events/event-list.js';
import {
  bucketOf,
  type EventSummary,
  tenantKeyOf,
  timeKeyOf,
} from '../../../shared/events/stored-event.js';
import { seededRandom } from '../../support/seeded-random.js';

type Row = EventSummary & { timeKey: string; tenantKey: string; bucket: string };

/**
 * The two indexes in memory, read as DynamoDB reads them: newest first within the key range,
 * `limit` items evaluated per read (the filter applies after the limit), a start key to go on.
 */
class MemoryIndex implements EventIndexReader {
  reads = 0;
  constructor(private readonly rows: readonly Row[]) {}

  async read(request: PartitionRead) {
    this.reads++;
    const key = request.index === 'byTenant' ? 'tenantKey' : 'bucket';
    const inRange = this.rows
      .filter(
        (r) =>
          r[key] === request.partition && r.timeKey >= request.lower && r.timeKey <= request.upper,
      )
      .sort((a, b) => (a.timeKey < b.timeKey ? 1 : -1));
    const start =
      request.startKey === undefined
        ? 0
        : inRange.findIndex((r) => r.timeKey < (request.startKey as string));
    const evaluated = start < 0 ? [] : inRange.slice(start, start + request.limit);
    const more = start >= 0 && start + request.limit < inRange.length;
    const last = evaluated.at(-1)?.timeKey;
    return {
      items: evaluated.filter((r) => matchesType(r.type, request.type)),
      ...(more && last !== undefined && { startKey: last, lastTimeKey: last }),
    };
  }
}

function matchesType(type: string, condition: TypeCondition | undefined): boolean {
  if (!condition) return true;
  return 'exact' in condition ? type === condition.exact : type.startsWith(condition.prefix);
}

function rows(count: number, seed: number): Row[] {
  const random = seededRandom(seed);
  const start = Date.parse('2026-11-20T00:00:00.000Z');
  const tenants = ['acme', 'globex', '*', undefined];
  return Array.from({ length: count }, () => {
    const timestamp = new Date(start + random.int(0, 10 * 86_400_000 - 1)).toISOString();
    const id = newEventId();
    const tenantId = random.pick(tenants);
    const type = random.pick(['order.created', 'order.paid', 'invoice.sent']);
    return {
      id,
      type,
      timestamp,
      ...(tenantId !== undefined && { tenantId }),
      timeKey: timeKeyOf(timestamp, id),
      tenantKey: tenantKeyOf(tenantId),
      bucket: bucketOf(timestamp, id),
    };
  });
}

const LOWER = '2026-11-20T00:00:00.000Z';
const UPPER = '2026-11-30T23:59:59.999Z#~';

/** Every page of a listing, following cursors from `upper`. */
async function allPages(
  reader: EventIndexReader,
  request: {
    groups: (upper: string) => ReturnType<typeof dayGroups>;
    type?: TypeCondition;
    limit: number;
    readBudget: number;
  },
) {
  const pages: EventListPage[] = [];
  let upper = UPPER;
  for (let i = 0; i < 500; i++) {
    const page = await listEvents(reader, {
      groups: request.groups(upper),
      lower: LOWER,
      upper,
      ...(request.type && { type: request.type }),
      limit: request.limit,
      readBudget: request.readBudget,
    });
    pages.push(page);
    if (!page.nextCursor) return pages;
    upper = decodeEventCursor(page.nextCursor);
  }
  throw new Error('the listing did not end');
}

const newestFirst = (list: readonly Row[]) =>
  [...list].sort((a, b) => (a.timeKey < b.timeKey ? 1 : -1)).map((r) => r.id);

describe('listEvents', () => {
  const data = rows(400, 7);

  it('lists every event once, newest first, across day shards and pages', async () => {
    for (const limit of [1, 7, 50, 100]) {
      const pages = await allPages(new MemoryIndex(data), {
        groups: (u) => dayGroups(LOWER, u),
        limit,
        readBudget: 32,
      });
      expect(pages.flatMap((p) => p.data.map((e) => e.id))).toEqual(newestFirst(data));
      for (const page of pages) expect(page.data.length).toBeLessThanOrEqual(limit);
    }
  });

  it('merges a tenant’s partition with the broadcasts, and nothing else', async () => {
    const groups = (upper: string) => [
      { index: 'byTenant' as const, partitions: ['acme', '*'], upper },
    ];
    const pages = await allPages(new MemoryIndex(data), { groups, limit: 9, readBudget: 32 });
    const ids = pages.flatMap((p) => p.data.map((e) => e.id));
    expect(ids).toEqual(
      newestFirst(data.filter((r) => r.tenantId === 'acme' || r.tenantId === '*')),
    );
  });

  it('filters by type exactly or by prefix, still completely when the read budget runs out', async () => {
    for (const type of [{ exact: 'invoice.sent' }, { prefix: 'order.' }]) {
      for (const readBudget of [4, 5, 32]) {
        const reader = new MemoryIndex(data);
        const pages = await allPages(reader, {
          groups: (u) => dayGroups(LOWER, u),
          type,
          limit: 25,
          readBudget,
        });
        expect(pages.flatMap((p) => p.data.map((e) => e.id))).toEqual(
          newestFirst(data.filter((r) => matchesType(r.type, type))),
        );
      }
    }
  });

  it('answers a short page and a cursor when the budget runs out, each page within budget', async () => {
    const rare = [
      ...data.map((r) => ({ ...r, type: 'common' })),
      { ...rows(1, 3)[0], type: 'rare' } as Row,
    ];
    const reader = new MemoryIndex(rare);
    const first = await listEvents(reader, {
      groups: dayGroups(LOWER, UPPER),
      lower: LOWER,
      upper: UPPER,
      type: { exact: 'rare' },
      limit: 5,
      readBudget: 8,
    });
    expect(reader.reads).toBeLessThanOrEqual(8);
    expect(first.nextCursor).toBeDefined();
  });

  it('keeps the time range: nothing before from or after to', async () => {
    const lower = '2026-11-25T00:00:00.000Z';
    const upper = '2026-11-27T12:00:00.000Z#~';
    const page = await listEvents(new MemoryIndex(data), {
      groups: dayGroups(lower, upper),
      lower,
      upper,
      limit: 100,
      readBudget: 32,
    });
    const expected = data.filter((r) => r.timeKey >= lower && r.timeKey <= upper);
    expect(page.data.map((e) => e.id)).toEqual(newestFirst(expected).slice(0, 100));
  });

  it('answers summaries only (no index keys)', async () => {
    const page = await listEvents(new MemoryIndex(data), {
      groups: dayGroups(LOWER, UPPER),
      lower: LOWER,
      upper: UPPER,
      limit: 3,
      readBudget: 32,
    });
    for (const event of page.data)
      expect(Object.keys(event).sort()).toEqual(
        expect.arrayContaining(['id', 'timestamp', 'type']),
      );
    for (const event of page.data) expect(event).not.toHaveProperty('timeKey');
  });
});

describe('event cursors', () => {
  it('round-trip a position, and a day boundary', () => {
    const position = `2026-12-03T10:00:00.000Z#${newEventId()}`;
    expect(decodeEventCursor(encodeEventCursor(position))).toBe(position);
    expect(decodeEventCursor(encodeEventCursor('2026-12-03T00:00:00.000Z'))).toBe(
      '2026-12-03T00:00:00.000Z',
    );
  });

  it('refuse anything this API did not issue with a 400 invalid_cursor naming cursor', () => {
    const forged = [
      '',
      'not base64!',
      encodeEventCursor('acme'),
      encodeEventCursor('2026-12-03T10:00:00.000Z#evt_short'),
      encodeEventCursor(JSON.stringify({ tenantKey: 'globex', timeKey: 'x' })),
      `${encodeEventCursor('2026-12-03T00:00:00.000Z')}=`,
      'A'.repeat(10_000),
    ];
    for (const cursor of forged) {
      expect(() => decodeEventCursor(cursor), cursor).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'invalid_cursor',
          details: [{ field: 'cursor', message: expect.any(String) }],
        }),
      );
    }
  });
});

describe('dayGroups', () => {
  it('has each day from upper back to lower, newest first, four shards each', () => {
    const groups = dayGroups('2026-11-29T10:00:00.000Z', '2026-12-01T01:00:00.000Z#~');
    expect(groups.map((g) => g.partitions[0])).toEqual([
      '2026-12-01#0',
      '2026-11-30#0',
      '2026-11-29#0',
    ]);
    expect(groups[1]?.upper).toBe('2026-12-01T00:00:00.000Z');
    expect(groups[0]?.partitions).toHaveLength(4);
  });

  it('starts with the day before when the upper bound is a midnight (a cursor between days)', () => {
    const groups = dayGroups('2026-11-29T10:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(groups.map((g) => g.partitions[0])).toEqual(['2026-11-30#0', '2026-11-29#0']);
  });
});
