import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

let api: FakeApi;
const dir = mkdtempSync(path.join(tmpdir(), 'hookbridge-event-types-'));
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env }, dir);

const SCHEMA = { type: 'object', required: ['amount'] };
const entry = (overrides: object = {}) => ({
  name: 'invoice.paid',
  deprecated: false,
  validate: true,
  schema: SCHEMA,
  createdAt: '2024-05-01T12:00:00.000Z',
  updatedAt: '2024-05-01T12:00:00.000Z',
  ...overrides,
});

describe('event-types', () => {
  it('create sends the schema and example read from their files and the flags', async () => {
    writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(SCHEMA));
    writeFileSync(path.join(dir, 'example.json'), '{"amount": 12}');
    api.answers['POST /v1/event-types'] = { status: 201, body: entry({ example: { amount: 12 } }) };
    const result = await cli([
      'event-types',
      'create',
      'invoice.paid',
      '--description',
      'paid',
      '--schema-file',
      'schema.json',
      '--example-file',
      'example.json',
      '--validate',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests[0]?.body).toEqual({
      name: 'invoice.paid',
      description: 'paid',
      schema: SCHEMA,
      example: { amount: 12 },
      validate: true,
    });
    expect(result.stdout).toMatch(/^validate +yes/m);
  });

  it('refuses a schema file that is missing, not JSON or not an object, naming the flag', async () => {
    writeFileSync(path.join(dir, 'list.json'), '[1]');
    writeFileSync(path.join(dir, 'broken.json'), '{"type":');
    for (const file of ['absent.json', 'list.json', 'broken.json']) {
      const result = await cli(['event-types', 'create', 'a.b', '--schema-file', file]);
      expect(result.code, file).not.toBe(0);
      expect(result.stderr, file).toContain('--schema-file');
    }
    expect(api.requests).toHaveLength(0);
  });

  it('update sends only what changed, null for a cleared field, and refuses nothing to change', async () => {
    api.answers['PATCH /v1/event-types/invoice.paid'] = { status: 200, body: entry() };
    const result = await cli([
      'event-types',
      'update',
      'invoice.paid',
      '--no-validate',
      '--deprecated',
      '--clear-example',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests[0]?.body).toEqual({ validate: false, deprecated: true, example: null });
    const nothing = await cli(['event-types', 'update', 'invoice.paid']);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toContain('nothing to update');
  });

  it('list and get read a tenant’s routes with --tenant, which a token may call', async () => {
    api.answers['GET /v1/tenants/acme/event-types?limit=50'] = {
      status: 200,
      body: { data: [entry()] },
    };
    api.answers['GET /v1/tenants/acme/event-types/invoice.paid'] = { status: 200, body: entry() };
    const token = 'hbt_01JD5Z8Q4X9V2M7K3T6N0R1B8C.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
    const listed = await cli(['event-types', 'list', '--tenant', 'acme'], {
      HOOKBRIDGE_TOKEN: token,
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/invoice\.paid +yes +no/);
    const got = await cli(['event-types', 'get', 'invoice.paid', '--tenant', 'acme'], {
      HOOKBRIDGE_TOKEN: token,
    });
    expect(got.code, got.stderr).toBe(0);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${token}`,
      `Bearer ${token}`,
    ]);
  });

  it('delete calls the operator route and shows the API’s error naming the field', async () => {
    api.answers['DELETE /v1/event-types/invoice.paid'] = { status: 204 };
    expect((await cli(['event-types', 'delete', 'invoice.paid'])).code).toBe(0);
    api.answers['POST /v1/event-types'] = {
      status: 400,
      body: {
        error: {
          code: 'validation_error',
          message: 'schema.$ref: must be "#/$defs/<name>"',
          details: [{ field: 'schema.$ref', message: 'must be "#/$defs/<name>"' }],
        },
      },
    };
    const refused = await cli(['event-types', 'create', 'a.b']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('schema.$ref');
  });
});
