import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ApiError, type ErrorDetail, ServiceUnavailableError } from '../errors.js';
import type { EventInput } from '../events/event-schema.js';
import { onFirstUse } from '../lazy.js';
import { EVENT_TYPE_KEY_PREFIX } from './event-type.js';
import { isEventTypeName } from './event-type-name.js';
import type { DataCheck } from './schema-validator.js';

// The validator (@cfworker/json-schema, ~22 KB minified) is loaded only once an entry that
// validates is read: a cold start of an installation without one does not pay for it.
const validatorModule = onFirstUse(() => import('./schema-validator.js'));

/** What ingest needs of one catalog entry: the check of its events' data, if it validates. */
export type EventTypeRule = { readonly check?: DataCheck };

/** Reads one entry's rule; undefined `check` when the type is absent or does not validate. */
export type RuleReader = (name: string) => Promise<EventTypeRule>;

export interface EventTypeRulesOptions {
  /** How long a read entry (or its absence) is trusted: a changed schema applies within it. */
  readonly ttlMs: number;
  /** At most this many types are kept; the oldest read goes first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * The catalog as ingest sees it: each event type's rule, read once and then kept `ttlMs` in
 * the function's memory, absent types too, so a warm function reads nothing per event and a
 * cold cache costs one read per distinct type of a request (in parallel). A read that fails
 * is not kept, and fails the request with a 503: an event that may break its schema is not
 * let through unchecked.
 */
export class EventTypeRules {
  private readonly entries = new Map<string, { expires: number; rule: Promise<EventTypeRule> }>();
  private readonly now: () => number;

  constructor(
    private readonly read: RuleReader,
    private readonly options: EventTypeRulesOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks every event against its type's schema where the catalog says to validate; throws
   * a 422 `schema_validation_failed` naming each failing path (`data.amount`, in a batch
   * `events[2].data.amount`), so nothing of the request is published.
   */
  async assertValid(inputs: readonly EventInput[], batch: boolean): Promise<void> {
    const names = [...new Set(inputs.map((input) => input.type))];
    let rules: Map<string, EventTypeRule>;
    try {
      rules = new Map(await Promise.all(names.map(async (n) => [n, await this.rule(n)] as const)));
    } catch (error) {
      throw new ServiceUnavailableError(
        'catalog_unavailable',
        'the event type catalog could not be read to validate the events; it is safe to retry',
        { cause: error },
      );
    }
    const details: ErrorDetail[] = [];
    inputs.forEach((input, index) => {
      const check = rules.get(input.type)?.check;
      if (check) details.push(...check(input.data, batch ? `events[${index}].data` : 'data'));
    });
    if (details.length === 0) return;
    const shown = details.slice(0, 10);
    const more =
      details.length > shown.length ? ` (and ${details.length - shown.length} more)` : '';
    throw new ApiError(
      422,
      'schema_validation_failed',
      `${shown.map((d) => `${d.field}: ${d.message}`).join('; ')}${more}`,
      shown,
    );
  }

  private rule(name: string): Promise<EventTypeRule> {
    const now = this.now();
    const cached = this.entries.get(name);
    if (cached && cached.expires > now) return cached.rule;
    this.entries.delete(name);
    const rule = this.read(name);
    this.entries.set(name, { expires: now + this.options.ttlMs, rule });
    rule.catch(() => this.entries.delete(name));
    const max = this.options.maxEntries ?? 1000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return rule;
  }
}

/**
 * Reads rules from the catalog's items in the subscriptions table: one eventually consistent
 * GetItem of the two attributes validation needs (the table's other items are out of reach of
 * the role, see SubscriptionStore.grantCatalogRead).
 */
export function dynamoRuleReader(client: DynamoDBClient, tableName: string): RuleReader {
  return async (name) => {
    if (!isEventTypeName(name)) return {};
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { id: { S: `${EVENT_TYPE_KEY_PREFIX}${name}` } },
        ProjectionExpression: '#validate, schemaJson',
        ExpressionAttributeNames: { '#validate': 'validate' },
      }),
    );
    const schemaJson = Item?.schemaJson?.S;
    if (Item?.validate?.BOOL !== true || schemaJson === undefined) return {};
    const { compileDataCheck } = await validatorModule();
    return { check: compileDataCheck(JSON.parse(schemaJson)) };
  };
}
