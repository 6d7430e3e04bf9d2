import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ArchiveReplay,
  LaneOperations,
} from '../../../shared/subscriptions/lane-operations.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const subscription = {
  id: 'sub_01M8XT50K4J871GVZ0X0521HY2',
  resources: { ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/hookbridge/r' },
} as unknown as Subscription;

afterEach(() => vi.restoreAllMocks());

describe('replay names', () => {
  it('differ for two replays started in the same millisecond, and fit EventBridge’s 64', async () => {
    // StartReplay refuses a name already used (ResourceAlreadyExistsException: a 500), and
    // locally both replays carried one name.
    const names: string[] = [];
    const archive: ArchiveReplay = { start: async ({ replayName }) => void names.push(replayName) };
    const lanes = new LaneOperations(
      {} as SQSClient,
      {} as EventBridgeClient,
      { prefix: 'hookbridge', busName: 'bus', source: 'app' },
      archive,
    );
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-03T11:00:00Z'));
    const from = new Date('2026-12-03T10:00:00Z');
    const to = new Date('2026-12-03T10:30:00Z');
    await Promise.all([1, 2, 3].map(() => lanes.replay(subscription, from, to)));
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      expect(name.startsWith(`${subscription.id}-`)).toBe(true);
      expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    }
  });
});
