import * as z from 'zod/mini';
import { integerSetting, readConfig } from '../config.js';
import { ConfigError } from '../errors.js';

/** The longest retention Hookbridge accepts, in days: a year of events is already a large table. */
export const MAX_EVENT_RETENTION_DAYS = 365;

/**
 * The message store's settings, shared by ingest (which writes it) and the management API
 * (which reads it): `HOOKBRIDGE_EVENT_RETENTION_DAYS` (default 30; `0` turns the store off)
 * and `HOOKBRIDGE_EVENT_STORE_TABLE`, required unless the store is off.
 */
export const eventStoreSettings = {
  /** Days a stored event is kept (DynamoDB TTL); 0: events are not stored. */
  HOOKBRIDGE_EVENT_RETENTION_DAYS: integerSetting(30, 0, MAX_EVENT_RETENTION_DAYS),
  /** DynamoDB table of stored events (the message store). */
  HOOKBRIDGE_EVENT_STORE_TABLE: z.optional(z.string()),
};

/** Where events are stored and for how long; `undefined` when the store is off. */
export interface EventStoreConfig {
  readonly tableName: string;
  readonly retentionDays: number;
}

/**
 * The store's configuration out of the parsed settings, or undefined when retention is 0.
 * A positive retention without a table is a configuration error, thrown (at INIT), not a
 * store that is silently off.
 */
export function eventStoreConfig(env: {
  HOOKBRIDGE_EVENT_RETENTION_DAYS: number;
  HOOKBRIDGE_EVENT_STORE_TABLE?: string | undefined;
}): EventStoreConfig | undefined {
  const days = env.HOOKBRIDGE_EVENT_RETENTION_DAYS;
  if (days === 0) return undefined;
  const table = env.HOOKBRIDGE_EVENT_STORE_TABLE;
  if (!table) {
    throw new ConfigError(
      'invalid configuration: HOOKBRIDGE_EVENT_STORE_TABLE: is required unless HOOKBRIDGE_EVENT_RETENTION_DAYS is 0',
    );
  }
  return { tableName: table, retentionDays: days };
}

/**
 * The message store's configuration from the environment, read once at load by the functions
 * that use the store (the management API; ingest reads it with its own settings).
 */
export function readEventStoreConfig(
  env: NodeJS.ProcessEnv = process.env,
): EventStoreConfig | undefined {
  return eventStoreConfig(readConfig(z.object(eventStoreSettings), env));
}
