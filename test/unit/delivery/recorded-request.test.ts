import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryAttempt } from '../../../shared/delivery/attempt-log.js';
import { Deliverer } from '../../../shared/delivery/deliverer.js';
import {
  MAX_RECORDED_HEADER_BYTES,
  REDACTED,
  recordedRequest,
} from '../../../shared/delivery/recorded-request.js';
import { newSigningSecret } from '../../../shared/delivery/signing.js';
import { WebhookClient } from '../../../shared/delivery/webhook-client.js';
import { AddressPolicy } from '../../../shared/net/address-policy.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';
import { deliveryAttemptSchema } from '../../../shared/subscriptions/subscription-responses.js';

const SUB_ID = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:123456789012:hookbridge-${SUB_ID}`;
/** Set by undici for the connection, not by Hookbridge: not part of what the log records. */
const TRANSPORT = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

interface Received {
  readonly rawHeaders: string[];
  readonly body: string;
}

let server: Server;
let url: string;
const received: Received[] = [];
const client = new WebhookClient({
  policy: new AddressPolicy({ allowHttp: true, allowCidrs: ['127.0.0.0/8'] }),
  userAgent: 'Hookbridge/test',
});

beforeAll(async () => {
  server = createServer({ maxHeaderSize: 64 * 1024 }, (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  const now = new Date().toISOString();
  return {
    id: SUB_ID,
    url: `${url}/hooks?x=1`,
    eventTypes: ['order.*'],
    maxConcurrency: 10,
    retrySchedule: [5],
    status: 'active',
    secrets: [{ secret: newSigningSecret(), createdAt: now }],
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
}

function record(data: Record<string, unknown>): SQSRecord {
  const detail = {
    id: `evt_01JABCDEFGHJKMNPQRSTV${String(received.length).padStart(5, '0')}`,
    type: 'order.created',
    timestamp: new Date().toISOString(),
    data,
  };
  return {
    messageId: `m-${detail.id}`,
    receiptHandle: 'r',
    body: JSON.stringify({ 'detail-type': detail.type, source: 'hookbridge', detail }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** One delivery through the real deliverer and HTTP client; the attempt it logged. */
async function deliverOnce(sub: Subscription, data: Record<string, unknown> = { total: 1 }) {
  const logged: DeliveryAttempt[] = [];
  const noop = async () => {};
  const deliverer = new Deliverer(
    {
      subscriptions: { get: async () => sub },
      streaks: { markFailing: noop, clearFailing: noop, disable: async () => undefined },
      onDisabled: noop,
      attempts: {
        eventHistory: async () => ({
          delivered: false,
          earlierAttempts: 0,
          thisMessageAttempts: 0,
        }),
        record: async (attempt) => {
          logged.push(attempt);
        },
        list: async () => ({ items: [] }),
      },
      sender: client,
      messages: { delay: noop, deadLetter: noop },
      operational: { emit: noop },
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    },
    { prefix: 'hookbridge', autoDisableAfterMs: 86_400_000 },
  );
  const before = received.length;
  await deliverer.deliver(record(data));
  const got = received[before];
  const [attempt] = logged;
  if (!got || !attempt) throw new Error('nothing was delivered or logged');
  return { got, attempt };
}

/** The receiver's headers in the order they arrived, without the transport's own. */
function sentHeaders(raw: readonly string[]): { name: string; value: string }[] {
  const headers: { name: string; value: string }[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!TRANSPORT.has(name)) headers.push({ name, value: raw[i + 1] as string });
  }
  return headers;
}

describe('the request in the attempt log', () => {
  it('records exactly the headers the receiver got, in their order, with the URL and body size', async () => {
    const sub = subscription({ headers: { 'X-Tenant-Ref': 'acme 42', authorization: 'Bearer t' } });
    const { got, attempt } = await deliverOnce(sub, { note: 'crème brûlée ✓' });
    const recorded = attempt.requestHeaders?.map(({ name, value }) => ({
      name: name.toLowerCase(),
      value,
    }));
    expect(recorded).toEqual(sentHeaders(got.rawHeaders));
    expect(recorded?.map((h) => h.name)).toEqual([
      'x-tenant-ref',
      'authorization',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'content-type',
      'user-agent',
    ]);
    expect(attempt.requestUrl).toBe(sub.url);
    expect(attempt.requestBodyBytes).toBe(Buffer.byteLength(got.body));
    expect(attempt.requestBodyBytes).toBeGreaterThan(got.body.length); // multi-byte characters
    expect(attempt.requestHeadersTruncated).toBeUndefined();
    expect(JSON.stringify(attempt)).not.toContain(got.body);
  });

  it('records the request of a failed attempt too', async () => {
    const { got, attempt } = await deliverOnce(subscription({ url: `${url}/fail` }));
    expect(attempt.result).toBe('failed');
    expect(attempt.requestHeaders).toEqual(sentHeaders(got.rawHeaders));
  });

  it('never records a signing secret or a Hookbridge credential a custom header carries', async () => {
    const current = newSigningSecret();
    const expired = newSigningSecret();
    const token = `hbt_${'a1'.repeat(12)}.${'Zz_-'.repeat(10)}abc`;
    const sub = subscription({
      secrets: [
        { secret: current, createdAt: new Date().toISOString() },
        { secret: expired, createdAt: '2020-01-01T00:00:00Z', expiresAt: '2020-01-02T00:00:00Z' },
      ],
      headers: {
        'x-whole': current,
        'x-key-only': `key=${current.slice('whsec_'.length).replace(/=+$/, '')}`,
        'x-old': expired,
        'x-token': `Bearer ${token}`,
        'x-api-key': `hbk_${'0f'.repeat(12)}.${'A'.repeat(43)}`,
        'x-plain': 'harmless',
      },
    });
    const { got, attempt } = await deliverOnce(sub);
    const byName = new Map(attempt.requestHeaders?.map((h) => [h.name, h.value]));
    for (const name of ['x-whole', 'x-key-only', 'x-old', 'x-token', 'x-api-key'])
      expect(byName.get(name)).toBe(REDACTED);
    expect(byName.get('x-plain')).toBe('harmless');
    // The signature is an HMAC, what the receiver verified: kept as sent.
    expect(byName.get('webhook-signature')).toBe(
      sentHeaders(got.rawHeaders).find((h) => h.name === 'webhook-signature')?.value,
    );
    const text = JSON.stringify(attempt);
    for (const secret of [current, expired, token]) expect(text).not.toContain(secret);
    expect(text).not.toContain(current.slice('whsec_'.length, -2));
  });

  it('finds a secret however a header or the URL wraps or encodes it', () => {
    const secret = newSigningSecret();
    const key = secret.slice('whsec_'.length);
    const unpadded = key.replace(/=+$/, '');
    const token = `hbk_${'ab'.repeat(12)}.${'x_Y-'.repeat(10)}123`;
    const wrapped = {
      'x-encoded': encodeURIComponent(secret),
      'x-encoded-lower': encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (c) => c.toLowerCase()),
      'x-url-safe': unpadded.replace(/\+/g, '-').replace(/\//g, '_'),
      'x-padded-key': key,
      'x-token-encoded': encodeURIComponent(`Bearer ${token}`),
      'x-lone-percent': `100% ${secret}`,
      [`x-${token}`]: 'a header named after a credential',
      'x-near-miss': unpadded.slice(0, -1),
    };
    const recorded = recordedRequest({
      url: `https://receiver.example.com/hooks?key=${encodeURIComponent(token)}`,
      sent: wrapped,
      body: '{}',
      secrets: [secret],
    });
    const byName = new Map(recorded.requestHeaders.map((h) => [h.name, h.value]));
    for (const name of [
      'x-encoded',
      'x-encoded-lower',
      'x-url-safe',
      'x-padded-key',
      'x-token-encoded',
      'x-lone-percent',
    ])
      expect(byName.get(name), name).toBe(REDACTED);
    expect(recorded.requestUrl).toBe(REDACTED);
    expect(byName.get(REDACTED)).toBe(REDACTED); // the name itself carried the credential
    // A different value (one character short of the key) is not a secret: kept as sent.
    expect(byName.get('x-near-miss')).toBe(unpadded.slice(0, -1));
    const text = JSON.stringify(recorded);
    for (const leak of [secret, unpadded, token, token.split('.')[1] as string])
      expect(text).not.toContain(leak);
  });

  it('caps the recorded header bytes, leaving out custom headers but never ours', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 20; i++) headers[`x-big-${String(i).padStart(2, '0')}`] = 'v'.repeat(1024);
    const { got, attempt } = await deliverOnce(subscription({ headers }));
    expect(sentHeaders(got.rawHeaders)).toHaveLength(25); // all were sent
    const recorded = attempt.requestHeaders ?? [];
    const bytes = recorded.reduce((sum, h) => sum + h.name.length + h.value.length, 0);
    expect(bytes).toBeLessThanOrEqual(MAX_RECORDED_HEADER_BYTES);
    expect(attempt.requestHeadersTruncated).toBe(true);
    const names = recorded.map((h) => h.name);
    expect(names.slice(-5)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'content-type',
      'user-agent',
    ]);
    // The custom ones that were kept are the first ones, whole, in order.
    expect(names.slice(0, -5)).toEqual(Object.keys(headers).slice(0, names.length - 5));
    expect(names.length - 5).toBeGreaterThan(0);
  });

  it('keeps a delivered attempt within one DynamoDB write unit (1 KB)', () => {
    const before = {
      subscriptionId: SUB_ID,
      sk: 'evt_01JABCDEFGHJKMNPQRSTVWXYZ0#2026-12-03T17:00:00.000Z',
      eventId: 'evt_01JABCDEFGHJKMNPQRSTVWXYZ0',
      eventType: 'order.created',
      attempt: 1,
      attemptedAt: '2026-12-03T17:00:00.000Z',
      durationMs: 42,
      result: 'delivered',
      final: true,
      statusCode: 200,
      messageId: '059f36b4-87a3-44ab-83d2-661975f00001',
      expiresAt: 1_767_000_000,
    };
    const secrets = [newSigningSecret(), newSigningSecret()]; // during a rotation: two signatures
    const request = recordedRequest({
      url: 'https://receiver.example.com/webhooks/hookbridge',
      sent: {
        'x-tenant-ref': 'acme-42',
        'webhook-id': before.eventId,
        'webhook-timestamp': '1764781200',
        'webhook-signature': `v1,${'A'.repeat(43)}= v1,${'B'.repeat(43)}=`,
        'content-type': 'application/json',
        'user-agent': 'Hookbridge/0.1.0',
      },
      body: '{"id":"evt_01JABCDEFGHJKMNPQRSTVWXYZ0","type":"order.created","data":{}}',
      secrets,
    });
    const after = {
      ...before,
      ...request,
      requestHeaders: request.requestHeaders.map(({ name, value }) => [name, value]),
    };
    expect(itemBytes(before)).toBeLessThan(400);
    expect(itemBytes(after)).toBeLessThanOrEqual(1024);
    expect(itemBytes(after) - itemBytes(before)).toBeLessThan(500);
  });
});

/** DynamoDB's item size: attribute names and string bytes, ~1 byte per 2 digits, 3 per list/map. */
function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return Math.ceil(String(value).replace(/^-|\./g, '').length / 2) + 1;
  if (typeof value === 'boolean') return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum, v) => sum + 1 + itemBytes(v), 0);
  return Object.entries(value as Record<string, unknown>).reduce(
    (sum, [name, v]) => sum + Buffer.byteLength(name) + itemBytes(v),
    0,
  );
}

describe('attempts logged before the request was kept', () => {
  it('still read as valid attempts', () => {
    const old = {
      subscriptionId: SUB_ID,
      eventId: 'evt_01JABCDEFGHJKMNPQRSTVWXYZ0',
      eventType: 'order.created',
      attempt: 1,
      attemptedAt: '2026-01-01T00:00:00.000Z',
      result: 'delivered',
      final: true,
      statusCode: 200,
      durationMs: 12,
    };
    expect(deliveryAttemptSchema.safeParse(old).success).toBe(true);
    expect(
      deliveryAttemptSchema.safeParse({ ...old, requestHeaders: [{ name: 'a', value: 1 }] })
        .success,
    ).toBe(false);
  });
});
