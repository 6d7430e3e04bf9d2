import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * A new event id: `evt_` and a ULID. ULIDs sort by creation time (and, from one process,
 * strictly increase even within a millisecond), so ids double as a time order in logs and
 * in the delivery log.
 */
export function newEventId(): string {
  return `evt_${nextUlid()}`;
}

/** Whether a string has the shape of an event id. */
export function isEventId(value: string): boolean {
  return /^evt_[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
