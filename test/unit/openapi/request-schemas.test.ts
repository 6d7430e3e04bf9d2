import { describe, expect, it } from 'vitest';
import { eventInputSchema, parseBatchInput } from '../../../shared/events/event-schema.js';
import { buildOpenApiDocument } from '../../../shared/http/openapi.js';
import {
  createSubscriptionSchema,
  replaySchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';
import { type OpenApiDocument, openApiValidator } from '../../support/openapi-validator.js';

// The generated document, not the committed file: these tests hold the generator to the code.
const { validateAt } = openApiValidator(buildOpenApiDocument('test') as OpenApiDocument);

/** Whether the document's request schema and the server's own check agree on each body. */
function agreement(
  component: string,
  serverAccepts: (body: unknown) => boolean,
  bodies: unknown[],
) {
  return bodies.map((body) => ({
    body,
    document: validateAt(`/components/schemas/${component}`, body).length === 0,
    server: serverAccepts(body),
  }));
}

function expectAgreement(
  component: string,
  serverAccepts: (body: unknown) => boolean,
  valid: unknown[],
  invalid: unknown[],
) {
  const expected = [
    ...valid.map((body) => ({ body, document: true, server: true })),
    ...invalid.map((body) => ({ body, document: false, server: false })),
  ];
  expect(agreement(component, serverAccepts, [...valid, ...invalid])).toEqual(expected);
}

const accepts = (schema: { safeParse(v: unknown): { success: boolean } }) => (body: unknown) =>
  schema.safeParse(body).success;

const event = { type: 'order.created', data: { orderId: 'o-1' } };
const hook = 'https://hooks.example.test/webhooks';

describe('request schemas in the document reject and accept what the server does', () => {
  it('Event (eventInputSchema)', () => {
    expectAgreement(
      'Event',
      accepts(eventInputSchema),
      [
        event,
        { type: 'a', data: {} },
        { type: 'a'.repeat(128), data: { nested: { list: [1, 'two', null] } } },
        { type: 'user.signed_up-v2', data: { ok: true } },
      ],
      [
        { data: {} },
        { type: 7, data: {} },
        { type: '', data: {} },
        { type: 'order..created', data: {} },
        { type: 'a'.repeat(129), data: {} },
        { type: 'a.b' },
        { type: 'a.b', data: [1] },
        { type: 'a.b', data: 'x' },
        { type: 'a.b', data: null },
        { ...event, dta: 1 },
        [event],
        null,
      ],
    );
  });

  it('EventBatch (parseBatchInput, which also bounds the count and checks each event)', () => {
    const server = (body: unknown) => {
      try {
        parseBatchInput(body);
        return true;
      } catch {
        return false;
      }
    };
    expectAgreement(
      'EventBatch',
      server,
      [{ events: [event] }, { events: Array.from({ length: 100 }, () => event) }],
      [
        { events: [] },
        { events: Array.from({ length: 101 }, () => event) },
        { events: [event, { type: 'a.b' }] },
        { events: [{ ...event, extra: true }] },
        { events: 'x' },
        { items: [event] },
        { events: [event], more: 1 },
        {},
      ],
    );
  });

  it('CreateSubscriptionRequest (createSubscriptionSchema)', () => {
    expectAgreement(
      'CreateSubscriptionRequest',
      accepts(createSubscriptionSchema),
      [
        { url: hook, eventTypes: ['order.created'] },
        { url: hook, eventTypes: ['*'] },
        {
          url: hook,
          eventTypes: ['order.created', 'invoice.*'],
          filter: { amount: [{ numeric: ['>', 100] }] },
          description: 'orders to the ERP',
          metadata: { team: 'erp' },
          headers: { 'X-Team': 'erp' },
          maxConcurrency: 2,
          retrySchedule: [0, 43_190],
        },
        { url: hook, eventTypes: ['a'], maxConcurrency: 1000, retrySchedule: Array(19).fill(1) },
      ],
      [
        { eventTypes: ['order.created'] },
        { url: '', eventTypes: ['a'] },
        { url: hook },
        { url: hook, eventTypes: [] },
        { url: hook, eventTypes: ['bad..type'] },
        { url: hook, eventTypes: ['a'], maxConcurrency: 1 },
        { url: hook, eventTypes: ['a'], maxConcurrency: 1001 },
        { url: hook, eventTypes: ['a'], maxConcurrency: 2.5 },
        { url: hook, eventTypes: ['a'], retrySchedule: [] },
        { url: hook, eventTypes: ['a'], retrySchedule: [1.5] },
        { url: hook, eventTypes: ['a'], retrySchedule: [-1] },
        { url: hook, eventTypes: ['a'], retrySchedule: [43_191] },
        { url: hook, eventTypes: ['a'], retrySchedule: Array(20).fill(1) },
        { url: hook, eventTypes: ['a'], description: 'x'.repeat(501) },
        { url: hook, eventTypes: ['a'], metadata: { team: 7 } },
        { url: hook, eventTypes: ['a'], metadata: { ['k'.repeat(65)]: 'v' } },
        { url: hook, eventTypes: ['a'], metadata: { team: 'v'.repeat(513) } },
        { url: hook, eventTypes: ['a'], headers: { 'X-Team': 7 } },
        { url: hook, eventTypes: ['a.*.b'] },
        { url: hook, eventTypes: ['a'], secret: 'whsec_x' },
      ],
    );
  });

  it('UpdateSubscriptionRequest (updateSubscriptionSchema)', () => {
    expectAgreement(
      'UpdateSubscriptionRequest',
      accepts(updateSubscriptionSchema),
      [
        { status: 'paused' },
        { status: 'active', maxConcurrency: 20 },
        { filter: null, description: null, metadata: null, headers: null },
        { url: hook, eventTypes: ['invoice.*'], retrySchedule: [1, 2] },
      ],
      [
        {},
        { status: 'disabled' },
        { url: '' },
        { maxConcurrency: null },
        { eventTypes: null },
        { retrySchedule: [0.5] },
        { id: 'sub_x' },
      ],
    );
  });

  it('RotateSecretRequest (rotateSecretSchema)', () => {
    expectAgreement(
      'RotateSecretRequest',
      accepts(rotateSecretSchema),
      [{}, { gracePeriodSeconds: 0 }, { gracePeriodSeconds: 604_800 }],
      [
        { gracePeriodSeconds: -1 },
        { gracePeriodSeconds: 604_801 },
        { gracePeriodSeconds: 1.5 },
        { gracePeriodSeconds: '60' },
        { graceSeconds: 60 },
      ],
    );
  });

  it('ReplayRequest (replaySchema)', () => {
    expectAgreement(
      'ReplayRequest',
      accepts(replaySchema),
      [
        { from: '2024-06-01T00:00:00Z', to: '2024-06-02T00:00:00.000Z' },
        { from: '2024-06-01T00:00:00+02:00', to: '2024-06-01T12:00:00-05:30' },
      ],
      [
        { from: '2024-06-01', to: '2024-06-02T00:00:00Z' },
        { from: '2024-06-01T00:00:00Z' },
        { from: 'yesterday', to: 'today' },
        { from: '2024-06-01T00:00:00Z', to: '2024-06-02T00:00:00Z', rule: 'x' },
      ],
    );
  });

  // JSON Schema cannot say these (they depend on the EventBridge pattern grammar or on header
  // semantics), so the document states them in prose and only the server enforces them. The
  // document must never be the stricter one: a client validating with it would refuse bodies
  // the server accepts.
  it('leaves to the server only the rules its descriptions state in prose', () => {
    const manyKeys = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    const base = { url: hook, eventTypes: ['a'] };
    const serverOnly = [
      { ...base, filter: {} },
      { ...base, filter: { amount: 100 } },
      { ...base, headers: { 'content-type': 'text/plain' } },
      { ...base, headers: { 'bad name': 'x' } },
      { ...base, headers: { 'X-A': 'one\ntwo' } },
      { ...base, headers: manyKeys(21) },
      { ...base, metadata: manyKeys(51) },
    ];
    expect(
      agreement('CreateSubscriptionRequest', accepts(createSubscriptionSchema), serverOnly),
    ).toEqual(serverOnly.map((body) => ({ body, document: true, server: false })));
  });
});
