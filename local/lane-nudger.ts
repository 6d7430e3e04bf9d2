import { type EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { lanePrefix } from '../shared/provisioning/lane-names.js';
import { matchesPattern } from '../shared/subscriptions/pattern-matcher.js';
import type { BusEvent } from './local-archive.js';

/** A lane's rule on one bus: its queue (named as the rule) and its pattern. */
interface LaneRule {
  readonly queueName: string;
  readonly pattern: Record<string, unknown>;
}

/** How long a bus's rule listing is used before it is listed again. */
const RULES_TTL_MS = 2000;

/**
 * Finds the lanes an event was routed to and nudges their pollers (EsmPoller.nudge), so that a
 * local runtime with a thousand lanes delivers an event as soon as one with a single lane. It
 * matches each archived event (the archive's rule sees every event of its bus, as EventBridge
 * delivered it) against the lane rules of that bus with the in-process pattern matcher. The
 * rules are listed from the local endpoint at most every 2 s, and again as soon as a mapping
 * changes; a lane missed meanwhile is found by its own long poll, as before.
 */
export class LaneNudger {
  private readonly cache = new Map<string, { at: number; rules: Promise<LaneRule[]> }>();

  constructor(
    private readonly events: EventBridgeClient,
    private readonly prefix: string,
    private readonly nudge: (queueNames: ReadonlySet<string>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets every listing (a lane was made, changed or removed). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Nudges the lanes on `busName` whose rule matches one of `events`. */
  async route(events: readonly BusEvent[], busName: string): Promise<ReadonlySet<string>> {
    const rules = await this.rulesOf(busName);
    const matched = new Set<string>();
    for (const event of events) {
      for (const rule of rules)
        if (matchesPattern(rule.pattern, event)) matched.add(rule.queueName);
    }
    this.nudge(matched);
    return matched;
  }

  /**
   * The bus's lane rules. A listing older than the TTL is listed again in the background while
   * the old one still answers (an event is not kept waiting for a listing); after
   * `invalidate()` there is none, and the first event waits for the new one.
   */
  private rulesOf(busName: string): Promise<LaneRule[]> {
    const cached = this.cache.get(busName);
    if (cached && this.now() - cached.at < RULES_TTL_MS) return cached.rules;
    const listing = this.list(busName);
    const entry = { at: this.now(), rules: cached?.rules ?? listing };
    this.cache.set(busName, entry);
    listing.then(
      (rules) => {
        if (this.cache.get(busName) === entry)
          this.cache.set(busName, { at: entry.at, rules: Promise.resolve(rules) });
      },
      () => {
        // Failed: with no old listing to answer, the next event lists again.
        if (this.cache.get(busName) === entry && !cached) this.cache.delete(busName);
      },
    );
    return entry.rules;
  }

  private async list(busName: string): Promise<LaneRule[]> {
    const rules: LaneRule[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.events.send(
        new ListRulesCommand({
          NamePrefix: lanePrefix(this.prefix),
          EventBusName: busName,
          Limit: 100,
          NextToken: nextToken,
        }),
      );
      for (const rule of page.Rules ?? []) {
        if (!rule.Name || !rule.EventPattern || rule.State === 'DISABLED') continue;
        try {
          rules.push({ queueName: rule.Name, pattern: JSON.parse(rule.EventPattern) });
        } catch {
          // Not a pattern this matcher reads: that lane relies on its long poll.
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return rules;
  }
}
