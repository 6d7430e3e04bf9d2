import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { EVENT_TYPES_BY_NAME_INDEX } from '../aws/table-indexes.js';
import { versionCondition, versionConflict, versionedUpdate } from '../aws/versioned-update.js';
import { ConflictError, ValidationError } from '../errors.js';
import { EVENT_TYPE_CATALOG, EVENT_TYPE_KEY_PREFIX, type EventType } from './event-type.js';
import { isEventTypeName } from './event-type-name.js';

/** One page of the catalog, by name, and the opaque cursor of the next, if any. */
export interface EventTypePage {
  readonly items: EventType[];
  readonly nextCursor?: string;
}

/** What a save may change. */
export type EventTypeChanges = Partial<Omit<EventType, 'name' | 'createdAt' | 'version'>>;

/**
 * The catalog as items of the subscriptions table (`eventtype#<name>`). `schema` and `example`
 * are kept as JSON text: a DynamoDB map nests at most 32 levels and cannot hold every JSON
 * number exactly, and the text is what the validator and the API need anyway. Every item
 * carries `catalog`, the partition of the sparse index `byCatalog` that lists them sorted by
 * key, hence by name; nothing else in the table has the attribute.
 */
export class DynamoEventTypeStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** The entry `name`, or undefined; `consistent` for the API (ingest's cache reads eventually). */
  async get(name: string, consistent = true): Promise<EventType | undefined> {
    if (!isEventTypeName(name)) return undefined;
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: keyOf(name) },
        ConsistentRead: consistent,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(options: { limit: number; cursor?: string }): Promise<EventTypePage> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EVENT_TYPES_BY_NAME_INDEX,
        KeyConditionExpression: 'catalog = :catalog',
        ExpressionAttributeValues: { ':catalog': EVENT_TYPE_CATALOG },
        Limit: options.limit,
        ExclusiveStartKey: options.cursor ? decodeCatalogCursor(options.cursor) : undefined,
      }),
    );
    const items = Items.map(fromItem);
    return LastEvaluatedKey
      ? { items, nextCursor: Buffer.from(JSON.stringify(LastEvaluatedKey)).toString('base64url') }
      : { items };
  }

  /** Stores a new entry (version 1); a 409 `event_type_exists` if the name is taken. */
  async create(eventType: EventType): Promise<EventType> {
    const created = { ...eventType, version: 1 };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(created),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new ConflictError('event_type_exists', `event type ${eventType.name} already exists`, {
        cause: error,
      });
    }
    return created;
  }

  /** Applies `changes` if the stored version is still `current.version` (409 otherwise). */
  async save(current: EventType, changes: EventTypeChanges, at: string): Promise<EventType> {
    const set: Record<string, unknown> = {
      ...Object.fromEntries(Object.entries(changes).filter(([key]) => !isJsonField(key))),
      ...('schema' in changes && { schemaJson: jsonText(changes.schema) }),
      ...('example' in changes && { exampleJson: jsonText(changes.example) }),
      updatedAt: at,
      version: current.version + 1,
    };
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: keyOf(current.name) },
          ...versionedUpdate(set, current.version),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (error) {
      throw versionConflict(error, `event type ${current.name}`);
    }
  }

  /** Deletes the entry if its version is still `version` (409 otherwise). */
  async remove(name: string, version: number): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: keyOf(name) },
          ...versionCondition(version),
        }),
      );
    } catch (error) {
      throw versionConflict(error, `event type ${name}`);
    }
  }
}

/**
 * Decodes a cursor of the catalog list into a start key of `byCatalog`, or throws a 400
 * `invalid_cursor`: exactly the index's key of an entry, so a forged cursor can neither start
 * elsewhere in the table nor make DynamoDB answer an error (a 500).
 */
export function decodeCatalogCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof key === 'object' &&
      key !== null &&
      Object.keys(key).length === 2 &&
      key.catalog === EVENT_TYPE_CATALOG &&
      typeof key.id === 'string' &&
      key.id.startsWith(EVENT_TYPE_KEY_PREFIX) &&
      isEventTypeName(key.id.slice(EVENT_TYPE_KEY_PREFIX.length))
    )
      return { id: key.id, catalog: EVENT_TYPE_CATALOG };
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    'cursor: is not a cursor this API returned',
    [{ field: 'cursor', message: 'is not a cursor this API returned' }],
    'invalid_cursor',
  );
}

function keyOf(name: string): string {
  return `${EVENT_TYPE_KEY_PREFIX}${name}`;
}

function isJsonField(key: string): boolean {
  return key === 'schema' || key === 'example';
}

function jsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function toItem(eventType: EventType): Record<string, unknown> {
  const { schema, example, ...rest } = eventType;
  return {
    ...rest,
    id: keyOf(eventType.name),
    catalog: EVENT_TYPE_CATALOG,
    schemaJson: jsonText(schema),
    exampleJson: jsonText(example),
  };
}

function fromItem(item: Record<string, unknown>): EventType {
  const { id: _id, catalog: _catalog, schemaJson, exampleJson, ...rest } = item;
  return {
    ...rest,
    ...(typeof schemaJson === 'string' && { schema: JSON.parse(schemaJson) }),
    ...(typeof exampleJson === 'string' && { example: JSON.parse(exampleJson) }),
  } as EventType;
}
