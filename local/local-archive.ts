import { appendFile, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** An EventBridge event as a rule target receives it. */
export interface BusEvent {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly resources?: string[];
  readonly detail: unknown;
  readonly [field: string]: unknown;
}

export interface LocalArchiveOptions {
  readonly busName: string;
  /** Name of the archive's rule and queue. */
  readonly name: string;
  /** Where the archive is kept across restarts; none: in memory only. */
  readonly file?: string | undefined;
}

/**
 * The local runtime's archive of the bus, because the local endpoint's own ignores the replay
 * window and the rule filter: a rule matching every event on the bus (as the stack's archive
 * does) sends each to a queue, which this drains into memory and into a file of one event per
 * line. Events come back by their EventBridge `time`.
 */
export class LocalArchive {
  private readonly archived: BusEvent[] = [];
  private readonly ids = new Set<string>();
  private queueUrl = '';
  private turn: Promise<unknown> = Promise.resolve();
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly listeners: ((events: readonly BusEvent[]) => void)[] = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly events: EventBridgeClient,
    private readonly options: LocalArchiveOptions,
  ) {}

  /** Loads the file, creates the rule and its queue (idempotent) and starts draining. */
  async start(): Promise<{ loaded: number }> {
    if (this.options.file) {
      const file = this.options.file;
      const text = await readFile(file, 'utf8').catch(() => '');
      const lines = text.split('\n');
      // A kill mid-append leaves at most one partial last line: drop it, start a fresh line.
      const partial = lines.pop();
      if (partial) await appendFile(file, '\n');
      for (const line of lines) if (line.trim()) this.keep(parseLine(line));
    }
    const { name, busName } = this.options;
    const { QueueUrl = '' } = await this.sqs.send(new CreateQueueCommand({ QueueName: name }));
    this.queueUrl = QueueUrl;
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await this.events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: busName,
        // Every event: the stack's archive has no pattern, which EventBridge rules cannot say.
        EventPattern: JSON.stringify({ source: [{ prefix: '' }] }),
        State: 'ENABLED',
        Description: 'Hookbridge local runtime: the archive replays come from',
      }),
    );
    await this.events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: busName,
        Targets: [{ Id: 'local-archive', Arn: Attributes?.QueueArn }],
      }),
    );
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.run(controller.signal);
    return { loaded: this.archived.length };
  }

  /** The bus this archive keeps. */
  get busName(): string {
    return this.options.busName;
  }

  /**
   * Calls `listener` with every newly archived batch of events, as soon as it is received
   * (the local runtime nudges the lanes they were routed to). A listener's error is ignored.
   */
  onArchived(listener: (events: readonly BusEvent[]) => void): void {
    this.listeners.push(listener);
  }

  /** Stops draining; what is still in the queue is taken on the next start. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    await this.turn;
  }

  /** The archived events with `from <= time <= to`, in the order they reached the bus. */
  async within(from: Date, to: Date): Promise<BusEvent[]> {
    // Everything put on the bus before this call is in the queue already (PutEvents delivers
    // synchronously locally): take it all first.
    while ((await this.receive(0)) > 0);
    return this.archived.filter((event) => {
      const time = Date.parse(event.time);
      return time >= from.getTime() && time <= to.getTime();
    });
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.receive(1, signal);
      } catch {
        // The endpoint went away or the call was aborted: try again in a moment.
        await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** One receive → keep → delete, taking turns (two receives at once may both get a message). */
  private receive(waitTimeSeconds: number, signal?: AbortSignal): Promise<number> {
    const next = this.turn.then(async () => {
      if (signal?.aborted) return 0;
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: waitTimeSeconds,
        }),
        ...(signal ? [{ abortSignal: signal }] : []),
      );
      if (Messages.length === 0) return 0;
      const fresh = Messages.map((m) => parseLine(m.Body ?? '')).filter((e) => this.keep(e));
      if (fresh.length > 0) {
        for (const listener of this.listeners) {
          try {
            listener(fresh);
          } catch {
            // A listener is a hint (a nudge); archiving goes on regardless.
          }
        }
      }
      if (this.options.file && fresh.length > 0) {
        await appendFile(this.options.file, fresh.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      return Messages.length;
    });
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Adds an event unless it is archived already; true when it was new. */
  private keep(event: BusEvent): boolean {
    if (this.ids.has(event.id)) return false;
    this.ids.add(event.id);
    this.archived.push(event);
    return true;
  }
}

function parseLine(line: string): BusEvent {
  return JSON.parse(line) as BusEvent;
}
