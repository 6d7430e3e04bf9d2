import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { TableDefinition } from '../base-resources.js';

/** The key schema and TTL attribute of a table, as `dynamodb.Table` props. */
export interface TableKeys {
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey?: dynamodb.Attribute;
  readonly timeToLiveAttribute?: string;
}

const ATTRIBUTE_TYPES = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
} as const;

/**
 * Translates a definition from base-resources.ts into table props. Every table of the stack
 * goes through here, so its keys are the ones the local runtime creates.
 */
export function tableKeys(definition: TableDefinition): TableKeys {
  const { partitionKey, sortKey, timeToLiveAttribute } = definition;
  return {
    partitionKey: { name: partitionKey.name, type: ATTRIBUTE_TYPES[partitionKey.type] },
    ...(sortKey && { sortKey: { name: sortKey.name, type: ATTRIBUTE_TYPES[sortKey.type] } }),
    ...(timeToLiveAttribute && { timeToLiveAttribute }),
  };
}

/**
 * The global secondary indexes of a definition, as `addGlobalSecondaryIndex` props, each
 * projecting every attribute or the ones it names (what the local runtime creates too).
 */
export function globalSecondaryIndexes(
  definition: TableDefinition,
): dynamodb.GlobalSecondaryIndexProps[] {
  return (definition.globalSecondaryIndexes ?? []).map((index) => ({
    indexName: index.indexName,
    partitionKey: {
      name: index.partitionKey.name,
      type: ATTRIBUTE_TYPES[index.partitionKey.type],
    },
    ...(index.sortKey && {
      sortKey: { name: index.sortKey.name, type: ATTRIBUTE_TYPES[index.sortKey.type] },
    }),
    ...(index.nonKeyAttributes
      ? {
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...index.nonKeyAttributes],
        }
      : { projectionType: dynamodb.ProjectionType.ALL }),
  }));
}
