import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { matchesPattern } from '../../shared/subscriptions/pattern-matcher.js';

// The in-process matcher cross-checked against the local endpoint's own matcher: each pattern
// becomes a rule on a bus of its own with a queue target, each event is put on the bus, and the
// queue says whether the rule matched. Only cases where moto follows EventBridge are listed;
// moto flattens arrays without event-ruler's array consistency and treats an object field as
// present for `exists`, so those cases are covered by the unit tests from event-ruler's suite.

const run = Math.random().toString(36).slice(2, 8);
const bus = `matcher-${run}`;
const source = 'xcheck';

const patterns: Record<string, Record<string, unknown>> = {
  exact: { detail: { s: ['a', 'b'], n: [5] } },
  typed: { detail: { n: [5] } },
  prefix: { detail: { s: [{ prefix: 'ab' }] } },
  prefixIgnoreCase: { detail: { s: [{ prefix: { 'equals-ignore-case': 'AB' } }] } },
  suffix: { detail: { s: [{ suffix: '.png' }] } },
  suffixIgnoreCase: { detail: { s: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } },
  ignoreCase: { detail: { s: [{ 'equals-ignore-case': 'HeLLo' }] } },
  wildcard: { detail: { s: [{ wildcard: 'a*c' }] } },
  anythingBut: { detail: { s: [{ 'anything-but': ['a', 'b'] }] } },
  anythingButPrefix: { detail: { s: [{ 'anything-but': { prefix: 'ab' } }] } },
  numeric: { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } },
  exists: { detail: { s: [{ exists: true }] } },
  notExists: { detail: { s: [{ exists: false }] } },
  cidr: { detail: { ip: [{ cidr: '10.0.0.0/24' }] } },
  or: { detail: { $or: [{ s: ['a'] }, { n: [{ numeric: ['>', 100] }] }] } },
  arrays: { detail: { tags: ['red'] } },
  nested: { detail: { customer: { country: ['NL'] } } },
};

const events: Record<string, unknown>[] = [
  { s: 'a', n: 5 },
  { s: 'b', n: '5' },
  { s: 'abc', n: 0 },
  { s: 'ABx', n: 5.0 },
  { s: 'x.png' },
  { s: 'X.PNG', n: 101 },
  { s: 'hello' },
  { s: 'axxc', ip: '10.0.0.7' },
  { ip: '10.0.1.7', n: -1 },
  { tags: ['blue', 'red'], customer: { country: 'NL' } },
  { tags: 'red', customer: { country: 'DE' } },
  { s: 7, n: 3 },
];

let events_: EventBridgeClient;
let sqs: SQSClient;
const queues: Record<string, string> = {};

beforeAll(async () => {
  events_ = new EventBridgeClient(awsClientConfig());
  sqs = new SQSClient(awsClientConfig());
  await events_.send(new CreateEventBusCommand({ Name: bus }));
  for (const [name, detailPattern] of Object.entries(patterns)) {
    const { QueueUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${bus}-${name}` }),
    );
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    queues[name] = QueueUrl;
    await events_.send(
      new PutRuleCommand({
        Name: `${bus}-${name}`,
        EventBusName: bus,
        EventPattern: JSON.stringify({ source: [source], ...detailPattern }),
      }),
    );
    await events_.send(
      new PutTargetsCommand({
        Rule: `${bus}-${name}`,
        EventBusName: bus,
        Targets: [{ Id: 'q', Arn: Attributes.QueueArn }],
      }),
    );
  }
  for (const [i, detail] of events.entries()) {
    await events_.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: bus,
            Source: source,
            DetailType: 'x',
            Detail: JSON.stringify({ ...detail, i }),
          },
        ],
      }),
    );
  }
});

afterAll(() => {
  events_?.destroy();
  sqs?.destroy();
});

/** The event indexes a rule's queue received (moto delivers during PutEvents). */
async function receivedBy(name: string): Promise<number[]> {
  const seen = new Set<number>();
  for (let round = 0; round < 5; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues[name],
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) break;
    for (const m of Messages) seen.add(JSON.parse(m.Body ?? '{}').detail.i);
  }
  return [...seen].sort((a, b) => a - b);
}

describe('the in-process pattern matcher agrees with the local endpoint', () => {
  for (const name of Object.keys(patterns)) {
    it(name, async () => {
      const pattern = { source: [source], ...patterns[name] };
      const expected = events
        .map((detail, i) =>
          matchesPattern(pattern, { source, 'detail-type': 'x', detail: { ...detail, i } })
            ? i
            : -1,
        )
        .filter((i) => i >= 0);
      expect(await receivedBy(name)).toEqual(expected);
    });
  }
});
