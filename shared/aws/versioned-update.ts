import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../errors.js';

/** The expression part of an UpdateItem that writes changes only if the item's version is unchanged. */
export interface VersionedUpdate {
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * The condition that the item's `version` is still `expectedVersion`: what a versioned
 * update and a versioned delete both send.
 */
export function versionCondition(expectedVersion: number) {
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' } as Record<string, string>,
    ExpressionAttributeValues: { ':expected': expectedVersion } as Record<string, unknown>,
  };
}

/**
 * An optimistic-locking update of the changed attributes only: each defined value is SET, each
 * `undefined` one REMOVEd, on condition that `version` is still `expectedVersion`. Writing only
 * what changed (not the whole item) keeps attributes that others update concurrently, such as a
 * subscription's failure streak.
 */
export function versionedUpdate(
  changes: Record<string, unknown>,
  expectedVersion: number,
): VersionedUpdate {
  const condition = versionCondition(expectedVersion);
  const names = condition.ExpressionAttributeNames;
  const values = condition.ExpressionAttributeValues;
  const assignments: string[] = [];
  const removals: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      names[`#r${removals.length}`] = key;
      removals.push(`#r${removals.length}`);
    } else {
      names[`#s${assignments.length}`] = key;
      values[`:s${assignments.length}`] = value;
      assignments.push(`#s${assignments.length} = :s${assignments.length}`);
    }
  }
  const remove = removals.length ? ` REMOVE ${removals.join(', ')}` : '';
  return {
    UpdateExpression: `SET ${assignments.join(', ')}${remove}`,
    ...condition,
  };
}

/**
 * What a failed version condition means to the caller: `409 version_conflict` naming `what`
 * (e.g. `subscription sub_…`); any other error is returned as it is.
 */
export function versionConflict(error: unknown, what: string): unknown {
  if (!(error instanceof ConditionalCheckFailedException)) return error;
  return new ConflictError(
    'version_conflict',
    `${what} was changed by another request; read it again and retry`,
    { cause: error },
  );
}
