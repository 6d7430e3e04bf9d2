import * as z from 'zod/mini';
import { integerSetting } from '../config.js';
import { ConfigError } from '../errors.js';
import { busNamesOf, DEFAULT_RULES_PER_SHARD, EVENTBRIDGE_RULES_PER_BUS } from './bus-shards.js';

/**
 * The environment variables of bus shards, spread into a function's config schema. Each is
 * optional: a deployment from before shards sets HOOKBRIDGE_EVENT_BUS_NAME only, and is one
 * shard.
 */
export const shardSettings = {
  /** Every bus shard's name, comma-separated, in shard order (the first is HOOKBRIDGE_EVENT_BUS_NAME). */
  HOOKBRIDGE_EVENT_BUS_NAMES: z.optional(z.string()),
  /** Every shard's archive ARN, comma-separated, in shard order (the first is HOOKBRIDGE_ARCHIVE_ARN). */
  HOOKBRIDGE_ARCHIVE_ARNS: z.optional(z.string()),
  /** The most rules Hookbridge puts on one bus. */
  HOOKBRIDGE_RULES_PER_SHARD: integerSetting(DEFAULT_RULES_PER_SHARD, 10, 10_000),
};

/** The shards of a deployment as the functions use them. */
export interface ShardConfig {
  /** Every shard's bus name, in shard order; shard 0 is HOOKBRIDGE_EVENT_BUS_NAME. */
  readonly busNames: readonly string[];
  /** Every shard's archive ARN, in shard order (empty when archives are not configured). */
  readonly archiveArns: readonly string[];
  readonly rulesPerShard: number;
}

/** The parsed shard settings; a list that contradicts the single-name variables is a ConfigError. */
export function shardSettingsOf(env: {
  HOOKBRIDGE_EVENT_BUS_NAME?: string | undefined;
  HOOKBRIDGE_EVENT_BUS_NAMES?: string | undefined;
  HOOKBRIDGE_ARCHIVE_ARN?: string | undefined;
  HOOKBRIDGE_ARCHIVE_ARNS?: string | undefined;
  HOOKBRIDGE_RULES_PER_SHARD?: number;
}): ShardConfig {
  try {
    const busNames = busNamesOf(env.HOOKBRIDGE_EVENT_BUS_NAME, env.HOOKBRIDGE_EVENT_BUS_NAMES);
    const archiveArns = listOf(env.HOOKBRIDGE_ARCHIVE_ARNS);
    if (archiveArns.length === 0 && env.HOOKBRIDGE_ARCHIVE_ARN) {
      archiveArns.push(env.HOOKBRIDGE_ARCHIVE_ARN);
    }
    if (archiveArns.length > 0 && archiveArns.length !== busNames.length) {
      throw new Error(
        `HOOKBRIDGE_ARCHIVE_ARNS: names ${archiveArns.length} archives for ${busNames.length} bus shards`,
      );
    }
    return {
      busNames,
      archiveArns,
      rulesPerShard: env.HOOKBRIDGE_RULES_PER_SHARD ?? DEFAULT_RULES_PER_SHARD,
    };
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
}

function listOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Whether a rules-per-shard ceiling fits under EventBridge's default rules-per-bus quota. */
export function withinDefaultQuota(rulesPerShard: number): boolean {
  return rulesPerShard <= EVENTBRIDGE_RULES_PER_BUS;
}
