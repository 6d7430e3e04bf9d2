import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { errorName, ignoreMissing, isMissing } from '../aws/missing-resource.js';
import { maxAttempts } from '../delivery/retry-policy.js';
import { buildEventPattern } from '../subscriptions/event-pattern.js';
import type { LaneResources, Subscription } from '../subscriptions/subscription.js';
import { isCold, mappingEnabled, WAKE_TARGET_ID, wakeInput } from './cold-lanes.js';
import type { EventSourceMappings, MappingState } from './event-source-mappings.js';
import { laneNames, lanePrefix, nameOfArn, subscriptionIdOf } from './lane-names.js';
import {
  deadLetterQueuePolicy,
  encryptedAtRest,
  parseJson,
  refusesPlainHttp,
  samePattern,
} from './lane-policies.js';
import { lanePolicy, letsRulesSend, type RulePlacement, rulePlacements } from './shard-rules.js';

export interface ProvisionerOptions {
  /** Resource name prefix. */
  readonly prefix: string;
  readonly busName: string;
  /**
   * Every bus shard, in shard order (the first is `busName`). @default [busName]
   */
  readonly busNames?: readonly string[];
  /** EventBridge source of ingested events (rules match only these). */
  readonly source: string;
  /**
   * The delivery function's timeout. Queues get 6× it as visibility timeout: AWS's advice
   * for Lambda event sources, so a slow batch is not redelivered while still running.
   */
  readonly deliveryTimeoutSeconds: number;
  /** The shared wake queue, the second target of a cold lane's rule (cold lanes on). */
  readonly wakeQueueArn?: string | undefined;
}

/**
 * Every lane resource of the installation, listed once at the start of a reconciler pass with
 * paginated calls (ListQueues, ListRules per shard, the function's mappings): a pass then reads
 * what it inspects from here instead of asking per lane, and asks again only where the survey
 * disagrees with the subscription (so a survey gone stale never reports false drift).
 */
export interface LaneSurvey {
  /** Ids of the subscriptions that own some queue, rule or mapping. */
  readonly owners: ReadonlySet<string>;
  /** Queue URLs by queue name. */
  readonly queueUrls: ReadonlyMap<string, string>;
  /** Rules by `<bus>/<name>`. */
  readonly rules: ReadonlyMap<string, { readonly Arn?: string; readonly EventPattern?: string }>;
  /** Event source mappings by queue ARN. */
  readonly mappings: ReadonlyMap<string, MappingState>;
}

/** 14 days, the SQS maximum: retries span days and a DLQ is for people to look at. */
const RETENTION_SECONDS = '1209600';
const TARGET_ID = 'subscriber-queue';

/**
 * Makes, checks, repairs and removes each subscriber's delivery lane: a dead-letter queue, a
 * queue that redrives to it after as many receives as the retry schedule has attempts, an
 * EventBridge rule with the subscriber's pattern, the rule's target, a queue policy that lets
 * only that rule send, and the event source mapping that feeds the delivery function. Every
 * operation is idempotent, so a half-made lane is finished by simply running it again.
 */
export class Provisioner {
  constructor(
    private readonly sqs: SQSClient,
    private readonly events: EventBridgeClient,
    private readonly mappings: EventSourceMappings,
    private readonly options: ProvisionerOptions,
  ) {}

  /** Creates whatever is missing and brings the rest to what `subscription` says. */
  async provision(subscription: Subscription): Promise<LaneResources> {
    const names = laneNames(this.options.prefix, subscription.id);
    const tags = { 'hookbridge:subscription': subscription.id };

    const deadLetter = await this.ensureQueue(
      names.deadLetterQueueName,
      { MessageRetentionPeriod: RETENTION_SECONDS, SqsManagedSseEnabled: 'true' },
      tags,
    );
    await this.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: deadLetter.url,
        Attributes: { Policy: JSON.stringify(deadLetterQueuePolicy(deadLetter.arn)) },
      }),
    );
    const queue = await this.ensureQueue(
      names.queueName,
      {
        MessageRetentionPeriod: RETENTION_SECONDS,
        SqsManagedSseEnabled: 'true',
        VisibilityTimeout: String(6 * this.options.deliveryTimeoutSeconds),
        // Every delivery attempt is one receive, so the DLQ takes a message after its last attempt.
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetter.arn,
          maxReceiveCount: maxAttempts(subscription.retrySchedule),
        }),
      },
      tags,
    );

    const ruleArns: string[] = [];
    for (const placement of this.placementsOf(subscription)) {
      const rule = await this.events.send(
        new PutRuleCommand({
          Name: names.ruleName,
          EventBusName: placement.bus,
          EventPattern: JSON.stringify(placement.pattern),
          State: 'ENABLED',
          Description: `Hookbridge subscription ${subscription.id}`,
        }),
      );
      ruleArns.push(rule.RuleArn ?? '');
    }
    const [ruleArn = ''] = ruleArns;
    await this.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queue.url,
        Attributes: {
          Policy: JSON.stringify(lanePolicy(queue.arn, ruleArns, this.options.prefix)),
        },
      }),
    );
    // The whole event goes to the queue (no InputPath): the envelope carries the detail. A
    // cold lane's rule (each of its rules, one per shard it is on) also wakes it; any other
    // loses a wake target left over.
    const { wakeQueueArn } = this.options;
    const wakes = isCold(subscription) && wakeQueueArn !== undefined;
    const placements = this.placementsOf(subscription);
    for (const placement of placements) {
      const targets = await this.events.send(
        new PutTargetsCommand({
          Rule: names.ruleName,
          EventBusName: placement.bus,
          Targets: [
            { Id: TARGET_ID, Arn: queue.arn },
            ...(wakes
              ? [
                  {
                    Id: WAKE_TARGET_ID,
                    Arn: wakeQueueArn,
                    InputTransformer: wakeInput(subscription.id),
                  },
                ]
              : []),
          ],
        }),
      );
      if (targets.FailedEntryCount) {
        const [failed] = targets.FailedEntries ?? [];
        throw new Error(`PutTargets failed: ${failed?.ErrorCode}: ${failed?.ErrorMessage}`);
      }
    }
    // (A lane being made has never had one: its creation makes no extra call.)
    if (!wakes && subscription.status !== 'provisioning') {
      for (const placement of placements) {
        await this.events.send(
          new RemoveTargetsCommand({
            Rule: names.ruleName,
            EventBusName: placement.bus,
            Ids: [WAKE_TARGET_ID],
          }),
        );
      }
    }

    const mappingId = await this.mappings.ensure({
      queueArn: queue.arn,
      maxConcurrency: subscription.maxConcurrency,
      enabled: mappingEnabled(subscription),
    });

    return {
      ...names,
      queueUrl: queue.url,
      queueArn: queue.arn,
      deadLetterQueueUrl: deadLetter.url,
      deadLetterQueueArn: deadLetter.arn,
      ruleArn,
      mappingId,
    };
  }

  /** What is missing or differs from `subscription` (empty when the lane is whole). */
  async inspect(subscription: Subscription, survey?: LaneSurvey): Promise<string[]> {
    const names = laneNames(this.options.prefix, subscription.id);
    const problems: string[] = [];
    const url = async (name: string) => survey?.queueUrls.get(name) ?? this.queueUrl(name);
    const deadLetter = await url(names.deadLetterQueueName);
    if (!deadLetter) problems.push(`dead-letter queue ${names.deadLetterQueueName} is missing`);
    const queue = await url(names.queueName);
    if (!queue) problems.push(`queue ${names.queueName} is missing`);

    const rules = await Promise.all(
      this.placementsOf(subscription).map(async (placement) => {
        const surveyed = survey?.rules.get(`${placement.bus}/${names.ruleName}`);
        const rule =
          surveyed?.Arn && samePattern(surveyed.EventPattern, placement.pattern)
            ? surveyed
            : await this.describeRule(names.ruleName, placement.bus);
        return { placement, rule };
      }),
    );
    const single = rules.length === 1;
    const where = (placement: RulePlacement) => (single ? '' : ` on bus ${placement.bus}`);
    for (const { placement, rule } of rules) {
      if (!rule) {
        problems.push(`rule ${names.ruleName}${where(placement)} is missing`);
      } else if (!samePattern(rule.EventPattern, placement.pattern)) {
        problems.push(`rule ${names.ruleName}${where(placement)} has another event pattern`);
      }
    }
    const ruleArns = rules.flatMap(({ rule }) => (rule?.Arn ? [rule.Arn] : []));
    if (deadLetter) problems.push(...(await this.deadLetterDrift(deadLetter)));
    if (queue) problems.push(...(await this.queueDrift(queue, subscription, ruleArns)));
    const [first] = rules;
    if (first?.rule && queue) {
      const queueArn = await this.queueArn(queue);
      for (const { placement, rule } of rules) {
        if (!rule) continue;
        const { Targets = [] } = await this.events.send(
          new ListTargetsByRuleCommand({ Rule: names.ruleName, EventBusName: placement.bus }),
        );
        const at = `rule ${names.ruleName}${where(placement)}`;
        if (!Targets.some((t) => t.Arn === queueArn))
          problems.push(`${at} does not target its queue`);
        const wakeTarget = Targets.some((t) => t.Id === WAKE_TARGET_ID);
        if (isCold(subscription) && this.options.wakeQueueArn && !wakeTarget)
          problems.push(`${at} of a cold lane has no wake target`);
        else if (!isCold(subscription) && wakeTarget)
          problems.push(`${at} of a hot lane has a wake target`);
      }
      const enabled = subscription.status === 'active' && !isCold(subscription);
      const surveyed = survey?.mappings.get(queueArn);
      const mapping =
        surveyed &&
        surveyed.partialBatchResponses !== false &&
        surveyed.enabled === enabled &&
        surveyed.maxConcurrency === subscription.maxConcurrency
          ? surveyed
          : await this.mappings.find(queueArn);
      if (!mapping) problems.push('event source mapping is missing');
      else if (mapping.partialBatchResponses === false) {
        problems.push('event source mapping does not report batch item failures');
      } else if (
        mapping.enabled !== enabled ||
        mapping.maxConcurrency !== subscription.maxConcurrency
      ) {
        problems.push('event source mapping differs');
      }
    }
    return problems;
  }

  /**
   * Settings of the queue that keep messages safe: without its redrive policy a failing message
   * would cycle until retention drops it, and without its policy EventBridge cannot send; it is
   * encrypted at rest and refuses requests without TLS.
   */
  private async queueDrift(
    url: string,
    subscription: Subscription,
    ruleArns: readonly string[],
  ): Promise<string[]> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'RedrivePolicy',
          'VisibilityTimeout',
          'Policy',
          'SqsManagedSseEnabled',
          'KmsMasterKeyId',
        ],
      }),
    );
    const problems = protectionDrift('queue', Attributes);
    // (A missing rule is reported on its own.)
    if (Attributes.Policy && ruleArns.length > 0 && !letsRulesSend(Attributes.Policy, ruleArns)) {
      problems.push('queue policy does not let its rule send');
    }
    const redrive = parseJson(Attributes.RedrivePolicy);
    if (Number(redrive?.maxReceiveCount) !== maxAttempts(subscription.retrySchedule)) {
      problems.push('queue redrive policy differs');
    }
    if (Attributes.VisibilityTimeout !== String(6 * this.options.deliveryTimeoutSeconds)) {
      problems.push('queue visibility timeout differs');
    }
    return problems;
  }

  /** The dead-letter queue's protection: encrypted at rest, TLS only. */
  private async deadLetterDrift(url: string): Promise<string[]> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['Policy', 'SqsManagedSseEnabled', 'KmsMasterKeyId'],
      }),
    );
    return protectionDrift('dead-letter queue', Attributes);
  }

  /** Removes the lane of subscription `id`; what is already gone is skipped. */
  async deprovision(id: string): Promise<void> {
    const names = laneNames(this.options.prefix, id);
    const queue = await this.queueUrl(names.queueName);
    if (queue) await this.mappings.remove(await this.queueArn(queue));
    // Every shard: an operator subscription has a rule on each, and a rule left on a wrong one
    // (a record that lost its shard) must not outlive the lane.
    for (const bus of this.busNames) {
      await ignoreMissing(
        this.events.send(
          new RemoveTargetsCommand({
            Rule: names.ruleName,
            EventBusName: bus,
            Ids: [TARGET_ID, WAKE_TARGET_ID],
          }),
        ),
      );
      await ignoreMissing(
        this.events.send(new DeleteRuleCommand({ Name: names.ruleName, EventBusName: bus })),
      );
    }
    if (queue) await ignoreMissing(this.sqs.send(new DeleteQueueCommand({ QueueUrl: queue })));
    const deadLetter = await this.queueUrl(names.deadLetterQueueName);
    if (deadLetter)
      await ignoreMissing(this.sqs.send(new DeleteQueueCommand({ QueueUrl: deadLetter })));
  }

  /** Ids of subscriptions that own at least one lane resource (queue, DLQ, rule or mapping). */
  /** Every lane resource with the prefix, in paginated listings (see LaneSurvey). */
  async survey(): Promise<LaneSurvey> {
    const prefix = lanePrefix(this.options.prefix);
    const owners = new Set<string>();
    const add = (name: string) => {
      const id = subscriptionIdOf(this.options.prefix, name);
      if (id) owners.add(id);
    };
    const queueUrls = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const page = await this.sqs.send(
        new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken: nextToken }),
      );
      for (const url of page.QueueUrls ?? []) {
        const name = url.slice(url.lastIndexOf('/') + 1);
        queueUrls.set(name, url);
        add(name);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    const rules = new Map<string, { Arn?: string; EventPattern?: string }>();
    for (const bus of this.busNames) {
      do {
        const page = await this.events.send(
          new ListRulesCommand({
            NamePrefix: prefix,
            EventBusName: bus,
            Limit: 100,
            NextToken: nextToken,
          }),
        );
        for (const rule of page.Rules ?? []) {
          if (!rule.Name) continue;
          rules.set(`${bus}/${rule.Name}`, { Arn: rule.Arn, EventPattern: rule.EventPattern });
          add(rule.Name);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    const mappings = new Map<string, MappingState>();
    for (const mapping of await this.mappings.list()) {
      mappings.set(mapping.queueArn, mapping);
      add(nameOfArn(mapping.queueArn));
    }
    return { owners, queueUrls, rules, mappings };
  }

  /** Every bus shard, in shard order. */
  get busNames(): readonly string[] {
    return this.options.busNames ?? [this.options.busName];
  }

  /** The rules of a subscription: one per shard it is on. */
  placementsOf(
    subscription: Pick<Subscription, 'eventTypes' | 'filter' | 'tenantId' | 'shard'>,
  ): RulePlacement[] {
    return rulePlacements(subscription, this.busNames, this.options.source);
  }

  /** The rule pattern of a subscription (on shard 0, or its tenant's shard). */
  patternOf(
    subscription: Pick<Subscription, 'eventTypes' | 'filter' | 'tenantId'>,
  ): Record<string, unknown> {
    return buildEventPattern(
      this.options.source,
      subscription.eventTypes,
      subscription.filter,
      subscription.tenantId,
    );
  }

  private async ensureQueue(
    name: string,
    attributes: Record<string, string>,
    tags: Record<string, string>,
  ): Promise<{ url: string; arn: string }> {
    let url: string;
    try {
      const created = await this.sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags }),
      );
      url = created.QueueUrl ?? '';
    } catch (error) {
      // CreateQueue on an existing queue with other attributes fails: update it in place.
      if (errorName(error) !== 'QueueNameExists') throw error;
      url = (await this.queueUrl(name)) ?? '';
      await this.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
    }
    return { url, arn: await this.queueArn(url) };
  }

  private async queueUrl(name: string): Promise<string | undefined> {
    try {
      const { QueueUrl } = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      return QueueUrl;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  private async queueArn(url: string): Promise<string> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return Attributes?.QueueArn ?? '';
  }

  private async describeRule(name: string, bus: string) {
    try {
      return await this.events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}

/** What a lane queue's attributes lack of the protection every lane queue has. */
function protectionDrift(queue: string, attributes: Record<string, string>): string[] {
  const problems: string[] = [];
  if (!encryptedAtRest(attributes)) problems.push(`${queue} is not encrypted at rest`);
  if (!attributes.Policy) problems.push(`${queue} policy is missing`);
  else if (!refusesPlainHttp(attributes.Policy)) {
    problems.push(`${queue} policy allows requests without TLS`);
  }
  return problems;
}
