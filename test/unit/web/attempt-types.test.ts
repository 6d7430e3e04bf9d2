import { describe, expect, it } from 'vitest';
import type { AttemptPage, DeliveryAttempt, RequestHeader } from '../../../web/src/api/types.js';
import { openApiDocument } from '../../support/openapi-validator.js';

// The web app's attempt types, field by field, against openapi.json: a field the API adds or
// drops (the request of an attempt, the page's retention) shows up here, not in a blank panel.

type Schema = { properties?: Record<string, Schema>; items?: Schema; $ref?: string };

const ATTEMPT_FIELDS = {
  subscriptionId: true,
  eventId: true,
  eventType: true,
  attempt: true,
  attemptedAt: true,
  result: true,
  final: true,
  statusCode: true,
  durationMs: true,
  error: true,
  responseBody: true,
  nextAttemptAt: true,
  requestUrl: true,
  requestHeaders: true,
  requestHeadersTruncated: true,
  requestBodyBytes: true,
} as const satisfies Record<keyof DeliveryAttempt, true>;
const HEADER_FIELDS = { name: true, value: true } as const satisfies Record<
  keyof RequestHeader,
  true
>;
const PAGE_FIELDS = {
  data: true,
  nextCursor: true,
  eventRetentionDays: true,
} as const satisfies Record<keyof AttemptPage, true>;

function component(name: string): Schema {
  const document = openApiDocument as unknown as {
    components: { schemas: Record<string, Schema> };
  };
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`no ${name} in openapi.json`);
  return schema;
}

describe('the attempt types of the web app', () => {
  it('name exactly the fields of DeliveryAttempt, its headers and DeliveryPage', () => {
    const attempt = component('DeliveryAttempt');
    expect(Object.keys(attempt.properties ?? {}).sort()).toEqual(
      Object.keys(ATTEMPT_FIELDS).sort(),
    );
    const header = attempt.properties?.requestHeaders?.items;
    expect(Object.keys(header?.properties ?? {}).sort()).toEqual(Object.keys(HEADER_FIELDS).sort());
    expect(Object.keys(component('DeliveryPage').properties ?? {}).sort()).toEqual(
      Object.keys(PAGE_FIELDS).sort(),
    );
  });
});
