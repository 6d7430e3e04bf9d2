import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../shared/http/openapi.js';
import { INGEST_ROUTES, MANAGEMENT_ROUTES } from '../../../shared/http/routes.js';
import { openApiDocument as committed } from '../../support/openapi-validator.js';

const root = new URL('../../../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  version: string;
};
const doc = buildOpenApiDocument(version) as typeof committed;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, unknown>;

/** Every operation as `[routeKey, operation]`, e.g. `['POST /v1/events', {...}]`. */
function operations(): [string, Json][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Json] => [`${method.toUpperCase()} ${path}`, op as Json]),
  );
}

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc);
}

function deref<T>(value: T | { $ref: string }): T {
  return value && typeof value === 'object' && '$ref' in value ? (resolve(value.$ref) as T) : value;
}

/** Every `$ref` in the document, with the JSON path where it appears. */
function refs(node: unknown, at = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((child, i) => refs(child, `${at}/${i}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string'
      ? [[at, child] as [string, string]]
      : refs(child, `${at}/${key}`),
  );
}

/** The route keys a handler serves, read from its source, so a new route cannot go undocumented. */
function routesIn(file: string): string[] {
  const source = readFileSync(new URL(file, root), 'utf8');
  return [...source.matchAll(/'((?:GET|POST|PUT|PATCH|DELETE) \/v1\/[^']*)'/g)].map(
    (match) => match[1] as string,
  );
}

describe('openapi.json', () => {
  it('is what scripts/generate-openapi.ts writes from the current schemas', () => {
    expect(
      committed,
      'openapi.json is out of date: run `npx tsx scripts/generate-openapi.ts` and commit it',
    ).toEqual(doc);
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and says what Hookbridge is and which version it describes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Hookbridge', version });
    expect((doc.info as Json).description).toMatch(/webhook delivery for AWS/);
  });

  it('documents exactly the routes both handlers serve', () => {
    const served = [
      ...routesIn('functions/ingest/handler.ts'),
      ...routesIn('functions/management/app.ts'),
      ...routesIn('functions/management/access-routes.ts'),
      ...routesIn('functions/management/event-routes.ts'),
      ...routesIn('functions/management/event-type-routes.ts'),
    ].sort();
    // The one list of route keys the stack and the local gateway also use (shared/http/routes.ts).
    expect(served).toEqual([...INGEST_ROUTES, ...MANAGEMENT_ROUTES].sort());
    expect(
      operations()
        .map(([route]) => route)
        .sort(),
    ).toEqual(served);
  });

  it('resolves every $ref', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    const broken = all.filter(([, ref]) => !ref.startsWith('#/') || resolve(ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('takes SigV4 (IAM) on every operation, and a bearer credential on all but the API-key and console-session routes', () => {
    const schemes = doc.components.securitySchemes as Record<string, Json>;
    expect(schemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    for (const [route, op] of operations()) {
      const security = (op.security ?? doc.security) as Record<string, string[]>[] | undefined;
      const bearer = !route.includes(' /v1/api-keys') && !route.includes(' /v1/console-sessions');
      expect(security, route).toEqual(bearer ? [{ sigv4: [] }, { bearer: [] }] : [{ sigv4: [] }]);
    }
  });

  it('gives every operation a unique id, a summary, a success and described responses', () => {
    const ids = operations().map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [route, op] of operations()) {
      expect(op.summary, route).toEqual(expect.any(String));
      const responses = op.responses as Record<string, Json>;
      expect(
        Object.keys(responses).some((status) => /^2\d\d$/.test(status)),
        route,
      ).toBe(true);
      for (const [status, response] of Object.entries(responses)) {
        expect(deref(response).description, `${route} ${status}`).toEqual(expect.any(String));
      }
    }
  });

  it('describes every error the functions answer with the error body', () => {
    for (const [route, op] of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        // 401, 403 and 429 come from API Gateway itself, in its own shape (401 and 403 also
        // from the functions: the Unauthorized and Forbidden responses take either body).
        if (Number(status) < 400 || ['401', '403', '429'].includes(status)) continue;
        const schema = (deref(response).content as Record<string, Json>)['application/json']
          ?.schema;
        expect(schema, `${route} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('declares every path parameter, and the Idempotency-Key header on ingest', () => {
    for (const [route, op] of operations()) {
      const declared = ((op.parameters ?? []) as Json[]).map((p) => deref(p));
      const inPath = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(
        declared.filter((p) => p.in === 'path').map((p) => p.name),
        route,
      ).toEqual(inPath);
      const idempotency = declared.find((p) => p.name === 'Idempotency-Key');
      if ((INGEST_ROUTES as readonly string[]).includes(route)) {
        expect(idempotency, route).toMatchObject({
          in: 'header',
          required: false,
          schema: { maxLength: 255 },
        });
      } else expect(idempotency, route).toBeUndefined();
    }
  });

  it('documents the body each writing route reads, the rotation body as optional', () => {
    const bodies = Object.fromEntries(
      operations()
        .filter(([, op]) => op.requestBody)
        .map(([route, op]) => {
          const body = op.requestBody as Json;
          const content = body.content as Record<string, Json>;
          return [route, [content['application/json']?.schema, body.required]];
        }),
    );
    const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
    expect(bodies).toEqual({
      'POST /v1/events': [ref('Event'), true],
      'POST /v1/events/batch': [ref('EventBatch'), true],
      'POST /v1/subscriptions': [ref('CreateSubscriptionRequest'), true],
      'PATCH /v1/subscriptions/{id}': [ref('UpdateSubscriptionRequest'), true],
      'POST /v1/subscriptions/{id}/secret/rotate': [ref('RotateSecretRequest'), false],
      'POST /v1/subscriptions/{id}/replay': [ref('ReplayRequest'), true],
      'POST /v1/tenants': [ref('CreateTenantRequest'), true],
      'PATCH /v1/tenants/{tenantId}': [ref('UpdateTenantRequest'), true],
      'POST /v1/tenants/{tenantId}/subscriptions': [ref('CreateTenantSubscriptionRequest'), true],
      'PATCH /v1/tenants/{tenantId}/subscriptions/{id}': [ref('UpdateSubscriptionRequest'), true],
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/secret/rotate': [
        ref('RotateSecretRequest'),
        false,
      ],
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/replay': [ref('ReplayRequest'), true],
      'POST /v1/tenants/{tenantId}/tokens': [ref('CreateTokenRequest'), false],
      'POST /v1/api-keys': [ref('CreateApiKeyRequest'), true],
      'POST /v1/subscriptions/{id}/resend': [ref('ResendRequest'), true],
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/resend': [ref('ResendRequest'), true],
      'POST /v1/event-types': [ref('CreateEventTypeRequest'), true],
      'PATCH /v1/event-types/{name}': [ref('UpdateEventTypeRequest'), true],
      'POST /v1/console-sessions': [ref('CreateConsoleSessionRequest'), false],
    });
  });

  it('holds only component schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [id, schema] of Object.entries(doc.components.schemas as Record<string, Json>)) {
      expect(ajv.validateSchema(schema), `${id}: ${ajv.errorsText()}`).toBe(true);
    }
  });
});
