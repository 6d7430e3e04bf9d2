import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  EventBridgeClient,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-eventbridge';
import {
  idempotencyTable,
  localResourceNames,
  type TableDefinition,
} from '../infra/base-resources.js';
import type { AwsClientConfig } from '../shared/aws/client-config.js';

export type LocalResourceNames = typeof localResourceNames;

/**
 * Creates the base resources (event bus with its archive, idempotency table) on a local AWS
 * endpoint from the definitions the stack uses. Idempotent: what exists already is kept.
 */
export async function createBaseResources(
  clientConfig: AwsClientConfig,
  names: LocalResourceNames = localResourceNames,
): Promise<LocalResourceNames> {
  const dynamo = new DynamoDBClient(clientConfig);
  const events = new EventBridgeClient(clientConfig);
  try {
    await createTable(dynamo, names.idempotencyTable, idempotencyTable);
    const bus = await ignoreExisting(
      events.send(new CreateEventBusCommand({ Name: names.eventBus })),
    );
    const busArn =
      bus?.EventBusArn ??
      `arn:aws:events:${await events.config.region()}:123456789012:event-bus/${names.eventBus}`;
    await ignoreExisting(
      events.send(new CreateArchiveCommand({ ArchiveName: names.archive, EventSourceArn: busArn })),
    );
    return names;
  } finally {
    dynamo.destroy();
    events.destroy();
  }
}

async function createTable(client: DynamoDBClient, name: string, table: TableDefinition) {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  await ignoreExisting(
    client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k, i) => ({
          AttributeName: k.name,
          KeyType: i === 0 ? 'HASH' : 'RANGE',
        })),
      }),
    ),
  );
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
