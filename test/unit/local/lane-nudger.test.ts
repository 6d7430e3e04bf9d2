import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { LaneNudger } from '../../../local/lane-nudger.js';
import type { BusEvent } from '../../../local/local-archive.js';
import { buildEventPattern } from '../../../shared/subscriptions/event-pattern.js';

// The local runtime's nudges: an archived event is matched against the lane rules of its bus,
// and exactly the lanes it was routed to are told.

const A = 'hookbridge-sub_01JD5Z8Q4X9V2M7K3T6N0R1B8A';
const B = 'hookbridge-sub_01JD5Z8Q4X9V2M7K3T6N0R1B8B';
const OPERATOR = 'hookbridge-sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C';

/** ListRules over pages of one rule, counting the calls. */
function fakeEvents(rules: { Name: string; EventPattern: string; State?: string }[]) {
  const calls: { NamePrefix?: string; EventBusName?: string; NextToken?: string }[] = [];
  const client = {
    send: async (command: { input: (typeof calls)[number] }) => {
      calls.push(command.input);
      const at = Number(command.input.NextToken ?? 0);
      const page = rules.slice(at, at + 1);
      return { Rules: page, ...(at + 1 < rules.length && { NextToken: String(at + 1) }) };
    },
  };
  return { client: client as unknown as EventBridgeClient, calls };
}

const pattern = (types: string[], tenantId?: string) =>
  JSON.stringify(buildEventPattern('hookbridge', types, undefined, tenantId));

function event(type: string, tenantId?: string): BusEvent {
  return {
    id: 'e1',
    time: '2026-12-06T12:00:00Z',
    source: 'hookbridge',
    'detail-type': type,
    detail: { id: 'evt_1', type, ...(tenantId && { tenantId }), data: {} },
  };
}

describe('LaneNudger', () => {
  it('nudges the lanes whose rule matches, per tenant, and the operator lane of every tenant', async () => {
    const { client, calls } = fakeEvents([
      { Name: A, EventPattern: pattern(['order.*'], 'acme') },
      { Name: B, EventPattern: pattern(['order.*'], 'globex') },
      { Name: OPERATOR, EventPattern: pattern(['order.created']) },
      { Name: `${A}x`, EventPattern: pattern(['*']), State: 'DISABLED' },
    ]);
    const nudged: string[][] = [];
    let now = 0;
    const nudger = new LaneNudger(
      client,
      'hookbridge',
      (names) => nudged.push([...names]),
      () => now,
    );
    expect([...(await nudger.route([event('order.created', 'acme')], 'bus'))].sort()).toEqual(
      [A, OPERATOR].sort(),
    );
    expect([...(await nudger.route([event('order.paid', 'globex')], 'bus'))]).toEqual([B]);
    expect([...(await nudger.route([event('invoice.paid', 'acme')], 'bus'))]).toEqual([]);
    expect(nudged).toEqual([[A, OPERATOR], [B], []]);
    // Four pages listed once, with the lanes' prefix, for all three events.
    expect(calls).toHaveLength(4);
    expect(calls[0]).toMatchObject({ NamePrefix: 'hookbridge-sub_', EventBusName: 'bus' });

    // Listed again after 2 s, in the background (the old listing answers meanwhile), or at
    // once after invalidate(); another bus has its own listing.
    now = 2500;
    expect([...(await nudger.route([event('order.created', 'acme')], 'bus'))].sort()).toEqual(
      [A, OPERATOR].sort(),
    );
    await expect.poll(() => calls.length).toBe(8);
    nudger.invalidate();
    await nudger.route([event('order.created', 'acme')], 'bus');
    expect(calls).toHaveLength(12);
    await nudger.route([event('order.created', 'acme')], 'other-bus');
    expect(calls.at(-1)).toMatchObject({ EventBusName: 'other-bus' });
  });
});
