/**
 * Bus shards: the EventBridge buses of one installation. Shard 0 is the first bus (its name is
 * whatever the deployment gave it, unchanged since before shards existed); shards 1..N-1 are
 * `<prefix>-bus-<k>`. A tenant lives on one shard for its whole life, so each of its events is
 * published on exactly one bus; operator subscriptions have a rule on every shard.
 */

/** The default ceiling of rules Hookbridge puts on one bus: 250 of EventBridge's default 300. */
export const DEFAULT_RULES_PER_SHARD = 250;

/** EventBridge's default quota of rules per event bus (adjustable). */
export const EVENTBRIDGE_RULES_PER_BUS = 300;

/** The share of each shard's rules kept for operator subscriptions (tenants cannot take it). */
export const OPERATOR_RESERVE_SHARE = 0.1;

/** The most shards one installation may declare (EventBridge's default of 100 buses per account, less headroom). */
export const MAX_BUS_SHARDS = 90;

/** The name of shard `k` ≥ 1 of the installation `prefix` (shard 0 keeps its deployed name). */
export function shardBusName(prefix: string, k: number): string {
  return `${prefix}-bus-${k}`;
}

/**
 * The bus names of every shard, in shard order, from the environment: `namesList` (the
 * comma-separated HOOKBRIDGE_EVENT_BUS_NAMES) when set, else the single `singleName`
 * (HOOKBRIDGE_EVENT_BUS_NAME, what every deployment before shards sets). When both are set,
 * shard 0 of the list must be the single name, so the two can never disagree about it.
 */
export function busNamesOf(
  singleName: string | undefined,
  namesList: string | undefined,
): string[] {
  const names = (namesList ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return singleName ? [singleName] : [];
  if (singleName && names[0] !== singleName) {
    throw new Error(
      `HOOKBRIDGE_EVENT_BUS_NAMES: its first name (${names[0]}) must be HOOKBRIDGE_EVENT_BUS_NAME (${singleName})`,
    );
  }
  if (new Set(names).size !== names.length) {
    throw new Error('HOOKBRIDGE_EVENT_BUS_NAMES: names the same bus twice');
  }
  return names;
}

/** The rules a tenant subscription may fill a shard to, leaving the operator reserve free. */
export function tenantRulesPerShard(rulesPerShard: number): number {
  return rulesPerShard - Math.ceil(rulesPerShard * OPERATOR_RESERVE_SHARE);
}

/** The bus of `shard`; an out-of-range shard (a record from a larger deployment) is an error. */
export function busOfShard(busNames: readonly string[], shard: number): string {
  const name = busNames[shard];
  if (name === undefined) {
    throw new Error(
      `shard ${shard} is not deployed: this installation has ${busNames.length} bus shard(s); raise busShards`,
    );
  }
  return name;
}
