/** What the attempt log holds of one event's attempts to one subscription, read before the next one. */
export interface EventHistory {
  /** An attempt succeeded already (the duplicate guard). */
  readonly delivered: boolean;
  /**
   * Attempts logged under other SQS messages of this event: the lives the message had before a
   * redrive (which sends it again under a new message id) or a replay.
   */
  readonly earlierAttempts: number;
  /** Attempts logged under the message being handled. */
  readonly thisMessageAttempts: number;
}

/**
 * The 1-based number of the attempt about to be made, counted across redrives and replays.
 * Within one message the receive count is exact (it also counts an attempt that crashed before
 * it was logged, and an eventually consistent read cannot lower it); it restarts at 1 when a
 * redrive sends the message again, so the attempts logged under earlier messages are added.
 * Should a redrive keep the message id but reset the count, this message's logged attempts
 * still carry the numbering on.
 */
export function attemptNumber(history: EventHistory, receiveCount: number): number {
  return history.earlierAttempts + Math.max(receiveCount, history.thisMessageAttempts + 1);
}
