/** Dot-separated segments of `[A-Za-z0-9_-]`, 1–128 characters in all: an event's `type` (DESIGN §3). */
const EVENT_TYPE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Whether `name` is an event type as events carry it, hence a possible catalog entry. */
export function isEventTypeName(name: string): boolean {
  return name.length <= 128 && EVENT_TYPE_NAME.test(name);
}
