import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Log } from '../observability.js';
import { parseWakeMessage } from './cold-lanes.js';
import type { LaneSleeper, WakeResult } from './lane-sleeper.js';

/** What one batch of wake messages did, per lane, with the wake latency of each lane woken. */
export interface WakeBatchReport {
  readonly response: SQSBatchResponse;
  readonly results: ReadonlyMap<string, WakeResult>;
  /** For each lane woken: from its first event in the batch to the end of its wake, in ms. */
  readonly latenciesMs: readonly number[];
}

/**
 * Handles one batch from the shared wake queue: each lane named in it is woken once, however
 * many of its events the batch holds (a burst sends one message per event). A message that is
 * not a wake message is dropped (logged). A lane whose wake failed reports all its messages as
 * failed, so SQS gives them back and the wake is tried again; after the queue's retries they
 * go to its DLQ, and the reconciler's depth check wakes the lane all the same.
 */
export async function wakeBatch(
  sleeper: Pick<LaneSleeper, 'wake'>,
  records: readonly SQSRecord[],
  logger: Log,
  now: () => Date = () => new Date(),
): Promise<WakeBatchReport> {
  const lanes = new Map<string, { messageIds: string[]; firstEventAt: number }>();
  for (const record of records) {
    const message = parseWakeMessage(record.body);
    if (!message) {
      logger.warn('dropped a message that is not a wake message', {
        messageId: record.messageId,
      });
      continue;
    }
    const eventAt = Date.parse(message.eventTime ?? '');
    const lane = lanes.get(message.wake) ?? { messageIds: [], firstEventAt: Number.NaN };
    lane.messageIds.push(record.messageId);
    if (!(lane.firstEventAt <= eventAt)) lane.firstEventAt = eventAt;
    lanes.set(message.wake, lane);
  }
  const failures: { itemIdentifier: string }[] = [];
  const results = new Map<string, WakeResult>();
  const latenciesMs: number[] = [];
  await Promise.all(
    [...lanes].map(async ([id, lane]) => {
      try {
        const result = await sleeper.wake(id);
        results.set(id, result);
        if (result === 'woken' && Number.isFinite(lane.firstEventAt)) {
          latenciesMs.push(Math.max(0, now().getTime() - lane.firstEventAt));
        }
      } catch (error) {
        logger.error('waking a cold lane failed; its wake messages come back', {
          subscriptionId: id,
          error: error instanceof Error ? error.message : String(error),
        });
        for (const itemIdentifier of lane.messageIds) failures.push({ itemIdentifier });
      }
    }),
  );
  return { response: { batchItemFailures: failures }, results, latenciesMs };
}
