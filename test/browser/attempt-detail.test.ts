import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import {
  launchBrowser,
  openPage,
  screenshot,
  scrollsSideways,
  seriousViolations,
} from '../support/browser.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// A customer opens one attempt in the portal's log: the request as the receiver got it (its
// webhook-id, custom headers, the body from the event store) and the response; with the
// keyboard alone, on a phone's width, and a read-only session sees no resend button.

let dev: DevRuntime;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const TENANT = `detail-${run}`;
const TYPE = `detail${run}.created`;
let sub = '';
let eventId = '';

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

async function portalLink(capabilities: string[]): Promise<string> {
  const minted = await api('POST', `/v1/tenants/${TENANT}/tokens`, { capabilities });
  expect(minted.status).toBe(201);
  const fragment = new URLSearchParams({
    token: minted.body.token,
    tenant: TENANT,
    caps: minted.body.capabilities.join(','),
    expires: minted.body.expiresAt,
  });
  return `${dev.apiUrl}/portal#${fragment}`;
}

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1000 });
  receiver = await startReceiver((request) =>
    request.path === '/busy'
      ? {
          status: 503,
          headers: { 'content-type': 'application/json' },
          body: '{"error":"try later"}',
        }
      : { status: 204 },
  );
  browser = await launchBrowser();
  expect((await api('POST', '/v1/tenants', { id: TENANT, name: 'Detail Inc' })).status).toBe(201);
  const created = await api('POST', `/v1/tenants/${TENANT}/subscriptions`, {
    url: `${receiver.url}/hooks`,
    eventTypes: [TYPE],
    headers: { 'X-Order-Source': 'shop-eu' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  sub = created.body.id;
  await waitFor(
    async () => (await api('GET', `/v1/subscriptions/${sub}`)).body.status === 'active',
    30_000,
    'the endpoint to be active',
  );
  const sent = await api('POST', '/v1/events', {
    type: TYPE,
    tenantId: TENANT,
    data: { order: 42, note: 'crème brûlée' },
  });
  expect(sent.status).toBe(202);
  eventId = sent.body.id;
  await waitFor(
    () => receiver.received.some((r) => r.headers['webhook-id'] === eventId),
    60_000,
    'the delivery',
  );
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await receiver?.close();
});

async function openEndpoint(capabilities: string[], width: number): Promise<Page> {
  const { page } = await openPage(await browser.newContext({ viewport: { width, height: 900 } }));
  await page.goto(await portalLink(capabilities));
  await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
  await page.goto(`${dev.apiUrl}/portal/endpoints/${sub}`);
  await page.getByRole('heading', { name: `${receiver.url}/hooks` }).waitFor();
  return page;
}

describe('one attempt, expanded in the portal', () => {
  it('shows the request headers the receiver got and the body from the event store', async () => {
    const page = await openEndpoint(['read', 'resend'], 1000);
    const log = page.getByRole('table', { name: 'Delivery attempts, newest first' });
    const toggle = log.getByRole('button', { name: `Details of attempt 1 of ${eventId}` });
    await toggle.waitFor({ timeout: 30_000 });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // By the keyboard: focus the disclosure button and press Enter.
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const detail = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    const headers = detail.getByRole('table', { name: 'Request headers, in the order sent' });
    const got = receiver.received.find((r) => r.headers['webhook-id'] === eventId);
    if (!got) throw new Error('no delivery');
    const header = (name: string) =>
      headers.getByRole('row', { name: new RegExp(`^${name} `) }).getByRole('cell');
    await expect.poll(() => header('webhook-id').textContent()).toBe(got.headers['webhook-id']);
    expect(await header('webhook-signature').textContent()).toBe(got.headers['webhook-signature']);
    expect(await header('X-Order-Source').textContent()).toBe('shop-eu');
    await detail.getByText(`POST ${receiver.url}/hooks`).waitFor();
    // The body, pretty-printed, and on one line exactly the bytes the receiver got.
    const body = detail.getByRole('region', { name: 'Request body', exact: true });
    await expect.poll(() => body.textContent()).toBe(JSON.stringify(JSON.parse(got.body), null, 2));
    await detail.getByText(/^Exactly as sent \(\d+ bytes\)$/).click();
    expect(
      await detail.getByRole('region', { name: 'Request body on one line' }).textContent(),
    ).toBe(got.body);
    await detail.getByText('The body of a successful response is not kept.').waitFor();
    expect(await log.getByRole('button', { name: `Resend event ${eventId}` }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-attempt-detail', { fullPage: true });
    // Collapsed again, by the keyboard.
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await detail.isVisible()).toBe(false);
  });

  it('shows a failed attempt with the response excerpt, the error and the next attempt', async () => {
    const busy = await api('POST', `/v1/tenants/${TENANT}/subscriptions`, {
      url: `${receiver.url}/busy`,
      eventTypes: [TYPE],
      retrySchedule: [3600],
    });
    expect(busy.status).toBe(201);
    await waitFor(
      async () => (await api('GET', `/v1/subscriptions/${busy.body.id}`)).body.status === 'active',
      30_000,
      'the busy endpoint to be active',
    );
    const sent = await api('POST', '/v1/events', { type: TYPE, tenantId: TENANT, data: { n: 2 } });
    await waitFor(
      async () =>
        (await api('GET', `/v1/subscriptions/${busy.body.id}/deliveries`)).body.data.length > 0,
      60_000,
      'the failed attempt',
    );
    const { page } = await openPage(
      await browser.newContext({ viewport: { width: 1000, height: 900 } }),
    );
    await page.goto(await portalLink(['read']));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${dev.apiUrl}/portal/endpoints/${busy.body.id}`);
    const toggle = page.getByRole('button', { name: `Details of attempt 1 of ${sent.body.id}` });
    await toggle.click();
    const detail = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    expect(
      await detail.getByRole('region', { name: 'Response body (first 4 KB)' }).textContent(),
    ).toBe('{"error":"try later"}');
    await detail.getByRole('definition').filter({ hasText: /^503$/ }).waitFor();
    await detail.getByRole('term').filter({ hasText: 'Next attempt' }).waitFor();
    await detail.getByRole('term').filter({ hasText: 'Error' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('works on a 375 px wide screen, read-only, without a resend button', async () => {
    const page = await openEndpoint(['read'], 375);
    const log = page.getByRole('table', { name: 'Delivery attempts, newest first' });
    const toggle = log.getByRole('button', { name: `Details of attempt 1 of ${eventId}` });
    await toggle.click();
    const detail = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    await detail.getByRole('region', { name: 'Request body', exact: true }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await page.getByRole('button', { name: /^Resend/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
