import { NotFoundError } from '../errors.js';
import type { EventType } from './event-type.js';
import {
  assertConsistentEntry,
  type CreateEventTypeInput,
  type UpdateEventTypeInput,
} from './event-type-schema.js';
import type { DynamoEventTypeStore, EventTypePage } from './event-type-store.js';

/**
 * The catalog use cases behind `/v1/event-types`. Every write checks the entry it would
 * leave (schema of the supported subset, example matching it, `validate` only with a schema),
 * so ingest never reads an entry it cannot apply.
 */
export class EventTypeService {
  constructor(
    private readonly store: DynamoEventTypeStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates an entry; 400 naming the field for an unusable schema or example, 409 if it exists. */
  async create(input: CreateEventTypeInput): Promise<EventType> {
    assertConsistentEntry(input);
    const at = this.now().toISOString();
    return this.store.create({ ...input, createdAt: at, updatedAt: at, version: 0 });
  }

  /** The entry, or a 404 naming it. */
  async get(name: string): Promise<EventType> {
    const found = await this.store.get(name);
    if (!found) throw new NotFoundError(`event type ${name.slice(0, 200)} is not in the catalog`);
    return found;
  }

  /** One page of the catalog, sorted by name. */
  list(options: { limit: number; cursor?: string }): Promise<EventTypePage> {
    return this.store.list(options);
  }

  /** Changes an entry (`null` removes a field); the result must be consistent as on create. */
  async update(name: string, patch: UpdateEventTypeInput): Promise<EventType> {
    const current = await this.get(name);
    const changes = Object.fromEntries(
      Object.entries(patch).map(([key, value]) => [key, value ?? undefined]),
    );
    const next = { ...current, ...changes } as EventType;
    assertConsistentEntry(next);
    return this.store.save(current, changes, this.now().toISOString());
  }

  /** Deletes an entry (404 if missing); events of its type are accepted unchecked afterwards. */
  async delete(name: string): Promise<void> {
    const current = await this.get(name);
    await this.store.remove(name, current.version);
  }
}
