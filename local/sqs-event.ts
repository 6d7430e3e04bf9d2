import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** The parts of an SQS queue ARN (`arn:<partition>:sqs:<region>:<account>:<name>`). */
export interface QueueArnParts {
  readonly region: string;
  readonly accountId: string;
  readonly queueName: string;
}

/**
 * Splits an SQS queue ARN into region, account and queue name, the way Lambda finds the
 * queue a mapping polls. Throws a `TypeError` for anything that is not an SQS queue ARN, so a
 * malformed mapping fails loudly instead of polling a queue that cannot exist.
 */
export function parseQueueArn(queueArn: string): QueueArnParts {
  const [arn, , service, region, accountId, queueName, ...rest] = queueArn.split(':');
  if (arn !== 'arn' || service !== 'sqs' || !region || !accountId || !queueName || rest.length) {
    throw new TypeError(`not an SQS queue ARN: ${queueArn}`);
  }
  return { region, accountId, queueName };
}

/** Where a batch came from: the mapping's queue and the region Lambda reports. */
export interface EventSource {
  readonly queueArn: string;
  readonly awsRegion: string;
}

/**
 * Builds the event Lambda hands a function for a batch received from SQS: one record per
 * message, system attributes as strings, message attributes in Lambda's camel-case shape
 * (binary values base64-encoded, the reserved list fields always present), `eventSource`
 * `aws:sqs`. The delivery handler is the production one, so the shape must be Lambda's exactly.
 */
export function toSqsEvent(messages: readonly Message[], source: EventSource): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, source)) };
}

function toSqsRecord(message: Message, source: EventSource): SQSRecord {
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: toRecordAttributes(message.Attributes ?? {}),
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toMessageAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.awsRegion,
  };
  // Lambda only sends it when the message has attributes.
  if (message.MD5OfMessageAttributes)
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

function toRecordAttributes(attributes: NonNullable<Message['Attributes']>): SQSRecordAttributes {
  const {
    ApproximateReceiveCount = '',
    SentTimestamp = '',
    SenderId = '',
    ApproximateFirstReceiveTimestamp = '',
    ...rest
  } = attributes;
  // `rest` carries the optional ones (FIFO sequence/group/dedup ids, AWSTraceHeader, …) as SQS sent them.
  return {
    ApproximateReceiveCount,
    SentTimestamp,
    SenderId,
    ApproximateFirstReceiveTimestamp,
    ...rest,
  };
}

function toMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) attribute.binaryValue = base64(value.BinaryValue);
  return attribute;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** What to do with a batch once the function has answered. */
export type BatchSettlement =
  /** Delete `succeeded`; the `failed` ones stay and come back after their visibility timeout. */
  | { readonly ok: true; readonly succeeded: SQSRecord[]; readonly failed: SQSRecord[] }
  /** Lambda counts the whole batch as failed: delete nothing. */
  | { readonly ok: false; readonly reason: string };

/**
 * Applies a function's answer to its batch with Lambda's `ReportBatchItemFailures` rules:
 * no answer, an empty object or an empty/null `batchItemFailures` is complete success; each
 * listed `itemIdentifier` (a messageId) is a failed record; an answer of another shape, an
 * identifier that is missing, empty, not a string or not in the batch fails the whole batch.
 */
export function settleBatch(records: readonly SQSRecord[], response: unknown): BatchSettlement {
  if (response === undefined || response === null) {
    return { ok: true, succeeded: [...records], failed: [] };
  }
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { ok: false, reason: 'the response is not an object' };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) {
    return { ok: true, succeeded: [...records], failed: [] };
  }
  if (!Array.isArray(failures)) {
    return { ok: false, reason: 'batchItemFailures is not a list' };
  }
  const inBatch = new Set(records.map((record) => record.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return { ok: false, reason: 'a batchItemFailures entry has no itemIdentifier' };
    }
    if (!inBatch.has(id)) {
      return { ok: false, reason: `batchItemFailures names ${id}, which is not in the batch` };
    }
    failedIds.add(id);
  }
  return {
    ok: true,
    succeeded: records.filter((record) => !failedIds.has(record.messageId)),
    failed: records.filter((record) => failedIds.has(record.messageId)),
  };
}
