import { describe, expect, it } from 'vitest';
import { queuePolicy } from '../../../shared/provisioning/lane-policies.js';
import {
  lanePolicy,
  letsRulesSend,
  rulePlacements,
} from '../../../shared/provisioning/shard-rules.js';
import { matchesPattern } from '../../../shared/subscriptions/pattern-matcher.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const buses = ['Stack-Bus0-GENERATED', 'hb-bus-1', 'hb-bus-2'];
const operator = { eventTypes: ['invoice.*'] } as Pick<Subscription, 'eventTypes'>;
const arn = (bus: string, name = 'hb-sub_01M8XT50K4J871GVZ0X0521HY2') =>
  `arn:aws:events:us-east-1:111122223333:rule/${bus}/${name}`;
const queue = 'arn:aws:sqs:us-east-1:111122223333:hb-sub_01M8XT50K4J871GVZ0X0521HY2';

function event(tenantId?: string) {
  return {
    source: 'hookbridge',
    'detail-type': 'invoice.paid',
    detail: { id: 'evt_1', type: 'invoice.paid', ...(tenantId && { tenantId }), data: {} },
  };
}

describe('rules of a lane per shard', () => {
  it('gives a tenant subscription one rule, on its shard, with the one-bus pattern', () => {
    const placements = rulePlacements(
      { ...operator, tenantId: 'acme', shard: 2 },
      buses,
      'hookbridge',
    );
    expect(placements.map((p) => p.bus)).toEqual(['hb-bus-2']);
    expect(placements[0]?.pattern).toEqual(
      rulePlacements({ ...operator, tenantId: 'acme' }, ['one'], 'hookbridge')[0]?.pattern,
    );
  });

  it('gives an operator subscription a rule on every shard; shards ≥ 1 exclude broadcasts', () => {
    const placements = rulePlacements(operator, buses, 'hookbridge');
    expect(placements.map((p) => p.bus)).toEqual(buses);
    const [zero, one, two] = placements.map((p) => p.pattern);
    // Shard 0: what one bus had, so a one-shard deployment keeps its patterns.
    expect(zero).toEqual(rulePlacements(operator, ['one'], 'hookbridge')[0]?.pattern);
    expect(zero && matchesPattern(zero, event('*'))).toBe(true);
    expect(zero && matchesPattern(zero, event())).toBe(true);
    for (const pattern of [one, two]) {
      expect(pattern && matchesPattern(pattern, event('acme'))).toBe(true);
      expect(pattern && matchesPattern(pattern, event('*'))).toBe(false);
    }
  });

  it('refuses a record on a shard the deployment does not have', () => {
    expect(() =>
      rulePlacements({ ...operator, tenantId: 'acme', shard: 3 }, buses, 'hookbridge'),
    ).toThrow(/raise busShards/);
  });
});

describe('the queue policy of a lane on several shards', () => {
  it('is the one-bus policy for one rule', () => {
    expect(lanePolicy(queue, [arn(buses[0] as string)], 'hb')).toEqual(
      queuePolicy(queue, arn(buses[0] as string)),
    );
  });

  it('admits every shard’s rule of the lane with a size that does not grow with N', () => {
    const three = buses.map((b) => arn(b));
    const forty = [
      arn(buses[0] as string),
      ...Array.from({ length: 39 }, (_, k) => arn(`hb-bus-${k + 1}`)),
    ];
    const policy = JSON.stringify(lanePolicy(queue, three, 'hb'));
    expect(letsRulesSend(policy, three)).toBe(true);
    expect(letsRulesSend(JSON.stringify(lanePolicy(queue, forty, 'hb')), forty)).toBe(true);
    expect(JSON.stringify(lanePolicy(queue, forty, 'hb')).length).toBe(policy.length);
  });

  it('admits no other rule: another lane’s name, another account, a bus outside the prefix', () => {
    const policy = JSON.stringify(
      lanePolicy(
        queue,
        buses.map((b) => arn(b)),
        'hb',
      ),
    );
    expect(letsRulesSend(policy, [arn('hb-bus-1', 'hb-sub_01M8XT50K4J871GVZ0X0521HY3')])).toBe(
      false,
    );
    expect(letsRulesSend(policy, [arn('hb-bus-1').replace('111122223333', '444455556666')])).toBe(
      false,
    );
    expect(letsRulesSend(policy, [arn('other-bus-1')])).toBe(false);
    expect(letsRulesSend(policy, [arn('Stack-Bus0-OTHER')])).toBe(false);
    // A policy admitting shard 0 only does not pass for an operator lane's shard 1 rule.
    const shard0Only = JSON.stringify(queuePolicy(queue, arn(buses[0] as string)));
    expect(
      letsRulesSend(
        shard0Only,
        buses.map((b) => arn(b)),
      ),
    ).toBe(false);
  });
});
