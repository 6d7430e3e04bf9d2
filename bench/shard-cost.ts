/**
 * What bus shards add to a month's bill, on EventBridge list prices (us-east-1): each
 * forwarded broadcast is one more custom event per other shard, and each shard's archive
 * archives those copies once more. The operator rules cost nothing by themselves (rules are
 * free; an event is billed once, however many rules match it). See docs/_pending/shards.md.
 *
 *   npx tsx bench/shard-cost.ts [--shards 40] [--broadcasts 100000] [--event-bytes 1500]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** us-east-1 list prices, as bench/cost-model.ts has them. */
const CUSTOM_EVENT_USD = 1.0 / 1e6; // per custom event (each 64 KB): aws.amazon.com/eventbridge/pricing
const ARCHIVE_GB_USD = 0.1; // per GB archived: aws.amazon.com/eventbridge/pricing (archive)
const ARCHIVE_STORAGE_GB_MONTH_USD = 0.023; // per GB-month stored: same page
const GB = 1024 ** 3;

export interface ShardCostInput {
  /** Bus shards deployed. */
  readonly shards: number;
  /** Broadcasts (`tenantId: '*'`) ingested a month. */
  readonly broadcastsPerMonth: number;
  /** Bytes of one event on the bus (the whole entry). */
  readonly eventBytes: number;
  /** How long each archive keeps events. */
  readonly archiveRetentionDays: number;
}

export interface ShardCost {
  /** Custom events the forward rules put on shards 1..N-1. */
  readonly forwardedEvents: number;
  readonly forwardingUsd: number;
  /** The forwarded copies archived (and stored) once more, in the other shards' archives. */
  readonly archiveUsd: number;
  readonly totalUsd: number;
}

/**
 * The monthly cost bus shards add: `shards - 1` forwarded copies of every broadcast, each a
 * custom event (counted at the custom-event price: whether same-account bus-to-bus delivery is
 * billed is not settled here, so the model assumes it is) and archived by its shard. Events of
 * one tenant cost what they cost on one bus: one entry, one bus, one archive.
 */
export function shardCost(input: ShardCostInput): ShardCost {
  const chunks = Math.max(1, Math.ceil(input.eventBytes / (64 * 1024)));
  const forwardedEvents = input.broadcastsPerMonth * Math.max(0, input.shards - 1);
  const forwardingUsd = forwardedEvents * chunks * CUSTOM_EVENT_USD;
  const archivedGb = (forwardedEvents * input.eventBytes) / GB;
  const archiveUsd =
    archivedGb * ARCHIVE_GB_USD +
    ((archivedGb * input.archiveRetentionDays) / 30) * ARCHIVE_STORAGE_GB_MONTH_USD;
  return { forwardedEvents, forwardingUsd, archiveUsd, totalUsd: forwardingUsd + archiveUsd };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      shards: { type: 'string', default: '40' },
      broadcasts: { type: 'string', default: '100000' },
      'event-bytes': { type: 'string', default: '1500' },
      'archive-days': { type: 'string', default: '30' },
    },
  });
  const input = {
    shards: Number(values.shards),
    broadcastsPerMonth: Number(values.broadcasts),
    eventBytes: Number(values['event-bytes']),
    archiveRetentionDays: Number(values['archive-days']),
  };
  const cost = shardCost(input);
  console.log(
    `Bus shards: ${input.shards}; ${input.broadcastsPerMonth} broadcasts a month of ${input.eventBytes} bytes; archives keep ${input.archiveRetentionDays} days`,
  );
  console.log(
    `  forwarded broadcasts: ${cost.forwardedEvents} custom events  $${cost.forwardingUsd.toFixed(2)}`,
  );
  console.log(`  archived once more on their shard:             $${cost.archiveUsd.toFixed(2)}`);
  console.log(`  added per month:                               $${cost.totalUsd.toFixed(2)}`);
  console.log(
    '  operator rules (one per shard each): $0 (EventBridge bills events, not rules or matches)',
  );
  console.log('  tenant events: unchanged (one entry on one bus, archived once)');
}
