import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-eventbridge';
import {
  accessTable,
  deliveriesTable,
  eventStoreTable,
  idempotencyTable,
  localResourceNames,
  subscriptionsTable,
  type TableDefinition,
} from '../infra/base-resources.js';
import { type AwsClientConfig, dynamoClientConfig } from '../shared/aws/client-config.js';

/** The names of the base resources: the defaults, or others (a second runtime, a test). */
export type LocalResourceNames = { readonly [K in keyof typeof localResourceNames]: string };

/**
 * Creates the base resources (event bus with its archive, the tables) on a local AWS endpoint
 * from the definitions the stack uses. Idempotent: what exists already is kept. The local
 * runtime leaves the archive out (`archive: false`): it keeps its own, and moto's would only
 * copy every event once more (moto's replay cannot use a window or a filter).
 */
export async function createBaseResources(
  clientConfig: AwsClientConfig,
  names: LocalResourceNames = localResourceNames,
  options: { readonly archive?: boolean } = {},
): Promise<LocalResourceNames & { busArn: string; archiveArn: string | undefined }> {
  const dynamo = new DynamoDBClient(dynamoClientConfig(clientConfig));
  const events = new EventBridgeClient(clientConfig);
  try {
    await createTable(dynamo, names.idempotencyTable, idempotencyTable);
    await createTable(dynamo, names.subscriptionsTable, subscriptionsTable);
    await createTable(dynamo, names.deliveriesTable, deliveriesTable);
    await createTable(dynamo, names.accessTable, accessTable);
    await createTable(dynamo, names.eventStoreTable, eventStoreTable);
    await ignoreExisting(events.send(new CreateEventBusCommand({ Name: names.eventBus })));
    const bus = await events.send(new DescribeEventBusCommand({ Name: names.eventBus }));
    const busArn = bus.Arn ?? '';
    if (options.archive === false) return { ...names, busArn, archiveArn: undefined };
    await ignoreExisting(
      events.send(new CreateArchiveCommand({ ArchiveName: names.archive, EventSourceArn: busArn })),
    );
    const archive = await events.send(new DescribeArchiveCommand({ ArchiveName: names.archive }));
    return { ...names, busArn, archiveArn: archive.ArchiveArn ?? '' };
  } finally {
    dynamo.destroy();
    events.destroy();
  }
}

type Key = { readonly name: string; readonly type: 'S' | 'N' };

async function createTable(client: DynamoDBClient, name: string, table: TableDefinition) {
  const keySchema = (partition: Key, sort?: Key) =>
    [partition, ...(sort ? [sort] : [])].map((k, i) => ({
      AttributeName: k.name,
      KeyType: i === 0 ? ('HASH' as const) : ('RANGE' as const),
    }));
  const indexes = table.globalSecondaryIndexes ?? [];
  const attributes = new Map<string, 'S' | 'N'>();
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  const attributeDefinitions = [...attributes].map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  }));
  const projection = (index: (typeof indexes)[number]) =>
    index.nonKeyAttributes
      ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] }
      : { ProjectionType: 'ALL' as const };
  const created = await ignoreExisting(
    client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        ...(indexes.length > 0 && {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: projection(index),
          })),
        }),
      }),
    ),
  );
  if (!created && indexes.length > 0) {
    // A table kept from an earlier run (an endpoint that keeps its state) gets the indexes
    // added since, as a stack update would add them on AWS: one per UpdateTable.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of indexes.filter((i) => !existing.has(i.indexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: attributeDefinitions,
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: index.indexName,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: projection(index),
              },
            },
          ],
        }),
      );
    }
  }
  if (table.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}

async function ignoreExisting<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (
      error instanceof ResourceInUseException ||
      error instanceof ResourceAlreadyExistsException
    ) {
      return undefined;
    }
    throw error;
  }
}
