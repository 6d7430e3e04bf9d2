import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaName } from '../../infra/lambda-bundling.js';
import { COMMAND_ACTIONS } from './aws-calls.js';
import { arn } from './template-resolver.js';

/** One SDK command the code sent, with the file that sent it and the resources it named. */
export interface RecordedCall {
  readonly lambda: LambdaName;
  readonly command: string;
  /** Repository path (`node_modules/…` for a package) of the code that called `send`. */
  readonly file: string;
  /** The ARNs IAM would authorize it on, as named by the request (`*` where IAM has none). */
  readonly resources: string[];
}

const root = path.resolve(import.meta.dirname, '../..');
const whose = new AsyncLocalStorage<LambdaName>();

/**
 * Records every SDK command sent while it is installed, for the function whose code is running
 * (`as`): one patch of the send method every AWS SDK client inherits (they share one
 * @smithy/core). A call is attributed to the first stack frame outside this file: the project's
 * own code, or a package that calls the SDK itself (Powertools idempotency). Calls made from the
 * tests or the local runtime (the poller Lambda would be) are not recorded.
 */
export function recordAwsCalls() {
  const calls: RecordedCall[] = [];
  const client = Object.getPrototypeOf(SQSClient.prototype) as {
    send: (
      this: unknown,
      command: { input: Record<string, unknown> },
      ...rest: unknown[]
    ) => unknown;
  };
  const original = client.send;
  client.send = function send(this: unknown, command, ...rest) {
    const lambda = whose.getStore();
    const file = callerFile(new Error().stack ?? '');
    if (lambda && file) {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ lambda, command: name, file, resources: resourcesOf(name, command.input) });
    }
    return original.call(this, command, ...rest);
  };
  return {
    calls,
    /** Runs `work` as the code of `lambda`: what it sends (and what it starts) is recorded so. */
    as<T>(lambda: LambdaName, work: () => T): T {
      return whose.run(lambda, work);
    },
    stop() {
      client.send = original;
    },
  };
}

function callerFile(stack: string): string | undefined {
  const frames = stack.split('\n').slice(1);
  for (const frame of frames) {
    const match = /\(?(\/[^():]+):\d+:\d+\)?$/.exec(frame.trim());
    const file = match?.[1];
    if (!file || file === import.meta.filename) continue;
    const at = file.lastIndexOf('node_modules/');
    if (at !== -1) {
      const dependency = file.slice(at);
      // The SDK's own layers (lib-dynamodb's document client) are not the caller.
      if (dependency.startsWith('node_modules/@aws-lambda-powertools/')) return dependency;
      if (/^node_modules\/@(aws-sdk|smithy)\//.test(dependency)) continue;
      return undefined;
    }
    const relative = path.relative(root, file);
    return /^(shared|functions)\//.test(relative) ? relative : undefined;
  }
  return undefined;
}

function resourcesOf(command: string, input: Record<string, unknown>): string[] {
  const service = COMMAND_ACTIONS[command]?.[0]?.split(':')[0];
  const text = (key: string) => String(input[key] ?? '');
  switch (service) {
    case 'dynamodb': {
      // A batch names its tables as the keys of RequestItems; a query of an index is
      // authorized on the index's ARN.
      const tables =
        command === 'BatchWriteItem'
          ? Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {})
          : [text('TableName')];
      const index = input.IndexName === undefined ? '' : `/index/${text('IndexName')}`;
      return tables.map((table) => arn('dynamodb', `table/${table}${index}`));
    }
    case 'sqs': {
      if (command === 'ListQueues') return ['*'];
      const name = input.QueueName ?? text('QueueUrl').slice(text('QueueUrl').lastIndexOf('/') + 1);
      return [arn('sqs', String(name))];
    }
    case 'events': {
      const bus = text('EventBusName') || 'default';
      if (command === 'ListRules') return ['*'];
      if (command === 'PutEvents') {
        const entries = input.Entries as { EventBusName?: string }[];
        return [...new Set(entries.map((e) => arn('events', `event-bus/${e.EventBusName}`)))];
      }
      if (command === 'DescribeEventBus') return [arn('events', `event-bus/${text('Name')}`)];
      if (command === 'StartReplay') {
        const destination = input.Destination as { Arn: string };
        return [
          text('EventSourceArn'),
          destination.Arn,
          arn('events', `replay/${text('ReplayName')}`),
        ];
      }
      return [arn('events', `rule/${bus}/${text('Name') || text('Rule')}`)];
    }
    case 'lambda':
      return input.UUID ? [arn('lambda', `event-source-mapping:${text('UUID')}`)] : ['*'];
    default:
      throw new Error(`no IAM actions known for the command ${command}`);
  }
}
