import { describe, expect, it } from 'vitest';
import {
  deadLetterQueuePolicy,
  encryptedAtRest,
  letsRuleSend,
  queuePolicy,
  refusesPlainHttp,
} from '../../../shared/provisioning/lane-policies.js';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:hookbridge-sub_x';
const RULE = 'arn:aws:events:us-east-1:123456789012:rule/hookbridge/hookbridge-sub_x';
const text = (policy: unknown) => JSON.stringify(policy);

describe('lane queue policies', () => {
  it('let only the rule send, over TLS only; the DLQ takes TLS only', () => {
    expect(letsRuleSend(text(queuePolicy(QUEUE, RULE)), RULE)).toBe(true);
    expect(refusesPlainHttp(text(queuePolicy(QUEUE, RULE)))).toBe(true);
    expect(refusesPlainHttp(text(deadLetterQueuePolicy(QUEUE)))).toBe(true);
    expect(letsRuleSend(text(deadLetterQueuePolicy(QUEUE)), RULE)).toBe(false);
  });

  it('are read as AWS may write them back: one statement, a boolean, an action list', () => {
    const deny = {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:*',
      Condition: { Bool: { 'aws:SecureTransport': false } },
    };
    expect(refusesPlainHttp(text({ Statement: deny }))).toBe(true);
    const allow = {
      Effect: 'Allow',
      Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
      Condition: { ArnEquals: { 'aws:SourceArn': RULE } },
    };
    expect(letsRuleSend(text({ Statement: [allow] }), RULE)).toBe(true);
  });

  it('count as drift: another rule, no condition, a TLS condition that allows, no policy', () => {
    const allow = { Effect: 'Allow', Action: 'sqs:SendMessage' };
    expect(letsRuleSend(text({ Statement: [allow] }), RULE)).toBe(false);
    const other = { ...allow, Condition: { ArnEquals: { 'aws:SourceArn': `${RULE}-other` } } };
    expect(letsRuleSend(text({ Statement: [other] }), RULE)).toBe(false);
    const allowTls = {
      Effect: 'Allow',
      Action: 'sqs:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    expect(refusesPlainHttp(text({ Statement: [allowTls] }))).toBe(false);
    expect(refusesPlainHttp(undefined)).toBe(false);
    expect(refusesPlainHttp('not json')).toBe(false);
  });
});

describe('encryption at rest', () => {
  it('is SSE-SQS or a KMS key', () => {
    expect(encryptedAtRest({ SqsManagedSseEnabled: 'true' })).toBe(true);
    expect(encryptedAtRest({ SqsManagedSseEnabled: 'false', KmsMasterKeyId: 'alias/x' })).toBe(
      true,
    );
    expect(encryptedAtRest({ SqsManagedSseEnabled: 'false' })).toBe(false);
    expect(encryptedAtRest({})).toBe(false);
  });
});
