/**
 * Recognizing AWS "it does not exist" answers across services, so that idempotent operations
 * can treat an already-missing resource as done.
 */

const MISSING = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'ResourceNotFoundException',
]);

/** The error's name (the SDK's exception name), or '' for anything that is not an Error. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** Whether an AWS call failed because its queue, rule or other resource does not exist. */
export function isMissing(error: unknown): boolean {
  return MISSING.has(errorName(error));
}

/** Awaits a call, treating "it does not exist" as done: deleting what is gone succeeds. */
export async function ignoreMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}
