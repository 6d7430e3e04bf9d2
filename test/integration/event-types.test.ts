import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { accessWorld } from '../support/access-world.js';

// The event type catalog through `hookbridge dev`: the operator writes it, a tenant token
// reads it and cannot write it, and ingest enforces a validating entry's schema, for single
// events and batches, with nothing of a refused batch published.

const world = accessWorld();
const { A, B, TYPE, run, api, as, tokens } = world;

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'integer', minimum: 0 },
    currency: { type: 'string', maxLength: 3, pattern: '^[A-Z]{3}$' },
    lines: { type: 'array', items: { $ref: '#/$defs/line' } },
  },
  $defs: { line: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
};
const GOOD = { amount: 1200, currency: 'EUR', lines: [{ sku: 'a-1' }] };

async function storedEvents(type: string): Promise<number> {
  const listed = await api('GET', `/v1/events?type=${type}`);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  return listed.body.data.length;
}

describe('the event type catalog', () => {
  it('is created, read, listed by name, changed and deleted by the operator', async () => {
    const names = [`zz${run}.b`, `zz${run}.a`, `zz${run}.c`];
    for (const name of names) {
      const created = await api('POST', '/v1/event-types', { name, description: `about ${name}` });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ name, deprecated: false, validate: false });
      expect(created.body.version).toBeUndefined();
    }
    expect((await api('POST', '/v1/event-types', { name: names[0] })).body.error.code).toBe(
      'event_type_exists',
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api('GET', `/v1/event-types?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((e: { name: string }) => e.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen.filter((n) => n.startsWith(`zz${run}.`))).toEqual([...names].sort());

    const changed = await api('PATCH', `/v1/event-types/${names[1]}`, {
      schema: SCHEMA,
      example: GOOD,
      deprecated: true,
      description: null,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ schema: SCHEMA, example: GOOD, deprecated: true });
    expect(changed.body.description).toBeUndefined();
    expect((await api('GET', `/v1/event-types/${names[1]}`)).body).toEqual(changed.body);

    expect((await api('DELETE', `/v1/event-types/${names[2]}`)).status).toBe(204);
    expect((await api('GET', `/v1/event-types/${names[2]}`)).status).toBe(404);
    expect((await api('DELETE', `/v1/event-types/${names[2]}`)).status).toBe(404);
  });

  it('stays out of the subscription and tenant lists', async () => {
    await api('POST', '/v1/event-types', { name: `hidden${run}.x` });
    const subscriptions = await api('GET', '/v1/subscriptions?limit=100');
    const tenants = await api('GET', '/v1/tenants?limit=100');
    for (const listed of [subscriptions, tenants]) {
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(`hidden${run}`);
    }
  });

  it('refuses bad entries with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'orders.*' }, 'name'],
      [{ name: `bad${run}`, description: 'x'.repeat(1001) }, 'description'],
      [{ name: `bad${run}`, schema: [] }, 'schema'],
      [{ name: `bad${run}`, schema: { type: 'object', requried: ['a'] } }, 'schema.requried'],
      [
        { name: `bad${run}`, schema: SCHEMA, example: { amount: -1, currency: 'EUR' } },
        'example.amount',
      ],
      [{ name: `bad${run}`, validate: true }, 'validate'],
      [{ name: `bad${run}`, deprecated: 'yes' }, 'deprecated'],
      [{ name: `bad${run}`, colour: 'red' }, 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await api('POST', '/v1/event-types', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await api('GET', `/v1/event-types/bad${run}`)).status).toBe(404);
    expect((await api('GET', '/v1/event-types?cursor=bm9wZQ')).body.error.code).toBe(
      'invalid_cursor',
    );
    const forged = Buffer.from(JSON.stringify({ id: 'sub_x', catalog: 'eventtype' })).toString(
      'base64url',
    );
    expect((await api('GET', `/v1/event-types?cursor=${forged}`)).status).toBe(400);
    expect((await api('PATCH', `/v1/event-types/zz${run}.a`, {})).status).toBe(400);
  });

  it('is read by a tenant token of its own tenant, which cannot write it', async () => {
    const name = `portal${run}.shown`;
    expect((await api('POST', '/v1/event-types', { name, example: { a: 1 } })).status).toBe(201);
    for (const token of [tokens.a, tokens.aRead]) {
      const listed = await as(token, 'GET', `/v1/tenants/${A}/event-types?limit=100`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      const one = await as(token, 'GET', `/v1/tenants/${A}/event-types/${name}`);
      expect(one.body).toMatchObject({ name, example: { a: 1 } });
    }
    expect(
      (await as(tokens.a, 'GET', `/v1/tenants/${B}/event-types`)).status,
    ).toBeGreaterThanOrEqual(400);
    for (const [method, path, body] of [
      ['POST', '/v1/event-types', { name: `evil${run}` }],
      ['GET', '/v1/event-types', undefined],
      ['PATCH', `/v1/event-types/${name}`, { deprecated: true }],
      ['DELETE', `/v1/event-types/${name}`, undefined],
    ] as const) {
      const answer = await as(tokens.a, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    const after = await api('GET', `/v1/event-types/${name}`);
    expect(after.body.deprecated).toBe(false);
    expect((await api('GET', `/v1/event-types/evil${run}`)).status).toBe(404);
    expect((await api('GET', `/v1/tenants/ghost-${run}/event-types`)).status).toBe(404);
  });
});

describe('validation at ingest', () => {
  it('refuses a single event whose data breaks the schema, naming the path', async () => {
    const created = await api('POST', '/v1/event-types', {
      name: TYPE,
      schema: SCHEMA,
      validate: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bad = await api('POST', '/v1/events', {
      type: TYPE,
      tenantId: A,
      data: { amount: 'lots', currency: 'EUR' },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(422);
    expect(bad.body.error.code).toBe('schema_validation_failed');
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['data.amount']);
    const good = await api('POST', '/v1/events', { type: TYPE, tenantId: A, data: GOOD });
    expect(good.status, JSON.stringify(good.body)).toBe(202);
    expect(await storedEvents(TYPE)).toBe(1);
  });

  it('refuses a whole batch when one event fails, publishing none of it', async () => {
    const events = [GOOD, GOOD, { ...GOOD, lines: [{ sku: 1 }] }].map((data) => ({
      type: TYPE,
      data,
    }));
    const refused = await api('POST', '/v1/events/batch', { events });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'events[2].data.lines[0].sku',
    ]);
    expect(await storedEvents(TYPE)).toBe(1);
    const accepted = await api('POST', '/v1/events/batch', { events: events.slice(0, 2) });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect(await storedEvents(TYPE)).toBe(3);
  });

  it('does not let a 256 KB string reach a pattern, and answers a 422 at once', async () => {
    const long = await api('POST', '/v1/events', {
      type: TYPE,
      data: { amount: 1, currency: 'A'.repeat(200_000) },
    });
    expect(long.status).toBe(422);
    expect(long.body.error.details[0].field).toBe('data.currency');
  });

  it('accepts events of a deprecated type, and of a type that does not validate', async () => {
    const deprecated = `old${run}.thing`;
    await api('POST', '/v1/event-types', {
      name: deprecated,
      schema: SCHEMA,
      deprecated: true,
      validate: true,
    });
    expect((await api('POST', '/v1/events', { type: deprecated, data: GOOD })).status).toBe(202);
    const loose = `loose${run}.thing`;
    await api('POST', '/v1/event-types', { name: loose, schema: SCHEMA, validate: false });
    expect((await api('POST', '/v1/events', { type: loose, data: { amount: 'x' } })).status).toBe(
      202,
    );
    expect((await api('POST', '/v1/events', { type: `unknown${run}.x`, data: {} })).status).toBe(
      202,
    );
  });

  it('keeps the catalog items in the subscriptions table under eventtype# keys', async () => {
    const { Item } = await world.dynamo.send(
      new GetItemCommand({
        TableName: localResourceNames.subscriptionsTable,
        Key: { id: { S: `eventtype#${TYPE}` } },
      }),
    );
    expect(Item?.catalog?.S).toBe('eventtype');
    expect(JSON.parse(Item?.schemaJson?.S ?? '{}')).toEqual(SCHEMA);
    const { Items = [] } = await world.dynamo.send(
      new ScanCommand({ TableName: localResourceNames.subscriptionsTable, ConsistentRead: true }),
    );
    const ids = Items.map((item) => item.id?.S ?? '');
    expect(ids.every((id) => /^(sub_|tenant#|eventtype#)/.test(id))).toBe(true);
  });
});
