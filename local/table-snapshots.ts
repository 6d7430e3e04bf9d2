import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

/** A table to keep, and its TTL attribute: expired items are not brought back. */
export interface SnapshotTable {
  readonly name: string;
  readonly timeToLiveAttribute?: string | undefined;
}

type Item = Record<string, AttributeValue>;
type Snapshot = Record<string, Item[]>;

/** DynamoDB operations that change a table (JSON protocol, named in `x-amz-target`). */
const WRITES = new Set(
  ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].map(
    (operation) => `DynamoDB_20120810.${operation}`,
  ),
);
const REQUEST_START = 'http.client.request.start';

/**
 * Keeps DynamoDB tables of the local endpoint (moto holds everything in memory) in one JSON
 * file: `save()` scans them and rewrites the file when anything changed, `restore()` writes
 * the items back into empty tables on the next start. The file is replaced atomically, so a
 * kill mid-write leaves the previous snapshot.
 *
 * A scan costs the endpoint about a second per thousand items, so `save()` scans only after
 * this process sent a DynamoDB write: every handler of the local runtime runs in-process, and
 * Node's `http.client.request.start` diagnostics channel shows each request the SDK sends.
 */
export class TableSnapshots {
  private lastWritten: string | undefined;
  private saving: Promise<boolean> | undefined;
  private dirty = true;
  private readonly onRequest = (message: unknown) => {
    const target = (message as { request?: ClientRequest }).request?.getHeader('x-amz-target');
    if (typeof target === 'string' && WRITES.has(target)) this.dirty = true;
  };

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly tables: readonly SnapshotTable[],
    private readonly file: string,
  ) {
    subscribe(REQUEST_START, this.onRequest);
  }

  /** Stops watching for writes. */
  close(): void {
    unsubscribe(REQUEST_START, this.onRequest);
  }

  /** Writes the snapshot's items into the tables; returns how many per table (none: no file). */
  async restore(now = Date.now()): Promise<Record<string, number>> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const restored: Record<string, number> = {};
    if (text === undefined) return restored;
    const snapshot = JSON.parse(text, revive) as Snapshot;
    for (const table of this.tables) {
      const items = (snapshot[table.name] ?? []).filter((item) => !expired(item, table, now));
      for (let i = 0; i < items.length; i += 25) {
        await this.writeBatch(table.name, items.slice(i, i + 25));
      }
      restored[table.name] = items.length;
    }
    this.lastWritten = text;
    return restored;
  }

  /**
   * Scans every table and rewrites the file if the content changed; true when it wrote.
   * Without a write since the last scan it does nothing.
   */
  save(): Promise<boolean> {
    // One at a time (the timer and stop() may both ask); a caller that finds one running
    // waits for it and then looks again, so writes made during its scan are not missed.
    if (this.saving) return this.saving.then(() => this.save());
    if (!this.dirty) return Promise.resolve(false);
    this.saving = this.scanAndWrite().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  private async scanAndWrite(): Promise<boolean> {
    // Cleared before the scan: a write during it makes the next save() scan again.
    this.dirty = false;
    const snapshot: Snapshot = {};
    try {
      for (const table of this.tables) snapshot[table.name] = await this.scan(table.name);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
    const text = JSON.stringify(snapshot, encode);
    if (text === this.lastWritten) return false;
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, this.file);
    this.lastWritten = text;
    return true;
  }

  private async scan(table: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.dynamo.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    // Scan order is the endpoint's business: sort so an unchanged table gives the same text.
    return items
      .map((item) => ({ item, text: JSON.stringify(item, encode) }))
      .sort((a, b) => compare(a.text, b.text))
      .map(({ item }) => item);
  }

  private async writeBatch(table: string, items: Item[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round === 10) throw new Error(`could not restore ${table}: writes stay unprocessed`);
      const { UnprocessedItems } = await this.dynamo.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: requests } }),
      );
      requests = (UnprocessedItems?.[table] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
      );
    }
  }
}

function expired(item: Item, table: SnapshotTable, now: number): boolean {
  const ttl = table.timeToLiveAttribute ? item[table.timeToLiveAttribute]?.N : undefined;
  return ttl !== undefined && Number(ttl) * 1000 <= now;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Binary attributes (B, BS) are Uint8Arrays, which JSON would turn into index maps.
function encode(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value;
}

function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$base64' in value) {
    const { $base64 } = value as { $base64: unknown };
    if (typeof $base64 === 'string') return new Uint8Array(Buffer.from($base64, 'base64'));
  }
  return value;
}
