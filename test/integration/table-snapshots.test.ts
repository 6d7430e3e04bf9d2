import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { TableSnapshots } from '../../local/table-snapshots.js';

const dynamo = new DynamoDBClient({
  endpoint: inject('awsEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});
const dir = mkdtempSync(path.join(tmpdir(), 'hookbridge-snapshots-'));
const file = path.join(dir, 'tables.json');
const tables = [{ name: 'snap-keys', timeToLiveAttribute: 'expiration' }, { name: 'snap-many' }];

async function recreateTables() {
  for (const { name } of tables) {
    await dynamo.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  }
}

async function scan(table: string) {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
  return Items.sort((a, b) => String(a.id?.S).localeCompare(String(b.id?.S)));
}

beforeEach(async () => {
  await recreateTables();
  rmSync(file, { force: true });
});

afterAll(() => {
  dynamo.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('TableSnapshots', () => {
  it('brings every attribute type back after the endpoint lost everything, and no expired item', async () => {
    const now = Date.now();
    const kept = {
      id: { S: 'kept' },
      expiration: { N: String(Math.floor(now / 1000) + 3600) },
      blob: { B: new Uint8Array([0, 1, 254, 255]) },
      blobs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      nested: { M: { list: { L: [{ S: 'a' }, { N: '1' }, { BOOL: true }, { NULL: true }] } } },
      set: { SS: ['x', 'y'] },
    };
    await dynamo.send(new PutItemCommand({ TableName: 'snap-keys', Item: kept }));
    await dynamo.send(
      new PutItemCommand({
        TableName: 'snap-keys',
        Item: { id: { S: 'expired' }, expiration: { N: String(Math.floor(now / 1000) - 1) } },
      }),
    );
    // More than one BatchWriteItem (25) and than one page would need for small items.
    for (let i = 0; i < 60; i++) {
      await dynamo.send(
        new PutItemCommand({ TableName: 'snap-many', Item: { id: { S: `item-${i}` } } }),
      );
    }
    const snapshots = new TableSnapshots(dynamo, tables, file);
    expect(await snapshots.save()).toBe(true);

    await recreateTables();
    const restored = await new TableSnapshots(dynamo, tables, file).restore(now);
    expect(restored).toEqual({ 'snap-keys': 1, 'snap-many': 60 });
    expect(await scan('snap-keys')).toEqual([kept]);
    expect(await scan('snap-many')).toHaveLength(60);
  });

  it('rewrites the file only when a table changed', async () => {
    const snapshots = new TableSnapshots(dynamo, tables, file);
    await dynamo.send(new PutItemCommand({ TableName: 'snap-many', Item: { id: { S: 'a' } } }));
    expect(await snapshots.save()).toBe(true);
    const written = statSync(file).mtimeMs;
    expect(await snapshots.save()).toBe(false);
    expect(statSync(file).mtimeMs).toBe(written);
    await dynamo.send(new PutItemCommand({ TableName: 'snap-many', Item: { id: { S: 'b' } } }));
    expect(await snapshots.save()).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))['snap-many']).toHaveLength(2);
  });

  it('restores nothing without a file, and refuses a damaged one rather than start empty', async () => {
    expect(await new TableSnapshots(dynamo, tables, file).restore()).toEqual({});
    writeFileSync(file, '{"snap-many": [');
    await expect(new TableSnapshots(dynamo, tables, file).restore()).rejects.toThrow(SyntaxError);
  });
});
