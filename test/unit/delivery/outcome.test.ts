import { describe, expect, it } from 'vitest';
import { classifyError, classifyResponse } from '../../../shared/delivery/outcome.js';
import { WebhookRequestError } from '../../../shared/delivery/webhook-request-error.js';
import { DestinationRefusedError } from '../../../shared/net/address-policy.js';

function errno(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} happened`), { code, ...extra });
}

describe('classifyResponse', () => {
  it.each([200, 201, 202, 204, 299])('counts %i as delivered', (status) => {
    expect(classifyResponse(status, {})).toEqual({ kind: 'delivered' });
  });

  it('retries a redirect and says it was not followed', () => {
    const outcome = classifyResponse(302, { location: 'https://elsewhere.example/hook' });
    expect(outcome).toEqual({
      kind: 'retry',
      reason: 'HTTP 302 redirect to https://elsewhere.example/hook: redirects are not followed',
    });
    expect(classifyResponse(301, {}).kind).toBe('retry');
    expect(classifyResponse(308, { location: `https://x.example/${'a'.repeat(5000)}` })).toEqual({
      kind: 'retry',
      reason: expect.stringMatching(/^HTTP 308 redirect to .{200}…: redirects are not followed$/),
    });
  });

  it('marks 410 as gone', () => {
    expect(classifyResponse(410, {})).toMatchObject({ kind: 'gone' });
  });

  it.each([429, 503])('retries %i after its Retry-After', (status) => {
    expect(classifyResponse(status, { 'retry-after': '90' })).toEqual({
      kind: 'retry',
      reason: `HTTP ${status}, Retry-After 90 s`,
      retryAfterSeconds: 90,
    });
    expect(classifyResponse(status, { 'Retry-After': ['30', '60'] })).toMatchObject({
      retryAfterSeconds: 30,
    });
    expect(classifyResponse(status, {})).toEqual({ kind: 'retry', reason: `HTTP ${status}` });
    expect(classifyResponse(status, { 'retry-after': 'later' })).toEqual({
      kind: 'retry',
      reason: `HTTP ${status}`,
    });
  });

  it.each([400, 401, 404, 409, 500, 502, 504])('retries %i on the schedule', (status) => {
    const outcome = classifyResponse(status, { 'retry-after': '90' });
    expect(outcome).toEqual({ kind: 'retry', reason: `HTTP ${status}` });
  });
});

describe('classifyError', () => {
  it('refuses what the SSRF guard refused, even when wrapped', () => {
    const refused = new DestinationRefusedError('10.0.0.1 is a private address');
    expect(classifyError(refused)).toEqual({
      kind: 'refused',
      reason: '10.0.0.1 is a private address',
    });
    expect(classifyError(new Error('connect failed', { cause: refused }))).toMatchObject({
      kind: 'refused',
    });
  });

  it('retries a client failure with its message', () => {
    const timeout = new WebhookRequestError('timeout', 'timed out after 15000 ms');
    expect(classifyError(timeout)).toEqual({ kind: 'retry', reason: 'timed out after 15000 ms' });
  });

  it.each([
    [errno('ENOTFOUND', { hostname: 'hooks.example' }), 'DNS lookup failed for hooks.example'],
    [errno('EAI_AGAIN'), 'DNS lookup failed'],
    [errno('ECONNREFUSED'), 'connection refused'],
    [errno('ECONNRESET'), 'connection reset'],
    [new AggregateError([errno('ECONNREFUSED')], 'all failed'), 'connection refused'],
    [new Error('fetch failed', { cause: errno('UND_ERR_CONNECT_TIMEOUT') }), 'timed out'],
    [errno('CERT_HAS_EXPIRED'), 'TLS failure'],
    [new TypeError('something odd'), 'request failed: something odd'],
    ['a string', 'request failed: a string'],
  ])('retries a raw %o with a readable reason', (error, reason) => {
    const outcome = classifyError(error);
    expect(outcome.kind).toBe('retry');
    expect(outcome.kind === 'retry' && outcome.reason).toContain(reason);
  });
});
