import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import { launchBrowser, openPage, screenshot, seriousViolations } from '../support/browser.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// The operator's console screens as the operator uses them: tenants, every subscription with
// its state, and an event found by id with where it went.

let dev: DevRuntime;
let browser: Browser;
let page: Page;
let problems: string[];
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const TENANT = `gamma-${run}`;
const TYPE = `console${run}.created`;

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1000 });
  receiver = await startReceiver((request) =>
    request.path === '/embed'
      ? {
          status: 200,
          headers: { 'content-type': 'text/html' },
          body: `<!doctype html><title>Another site</title><iframe title="framed" src="${dev.apiUrl}/console"></iframe>`,
        }
      : { status: 503, body: 'try later' },
  );
  browser = await launchBrowser();
  ({ page, problems } = await openPage(
    await browser.newContext({ viewport: { width: 1000, height: 800 } }),
  ));
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await receiver?.close();
});

describe('the console', () => {
  it('creates a tenant, showing the API’s refusal next to the id first', async () => {
    await page.goto(`${dev.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await page.getByLabel('Tenant id').fill('no spaces allowed');
    await page.getByLabel('Name').fill('Gamma');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    const id = page.getByLabel('Tenant id');
    await expect.poll(() => id.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#tenant-id-error').textContent()).toMatch(/letter or digit/);
    expect(await seriousViolations(page)).toEqual([]);

    await id.fill(TENANT);
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: 'Gamma' }).waitFor();
    await page.getByRole('link', { name: '← Tenants' }).click();
    await page.getByRole('link', { name: TENANT }).waitFor();
  });

  it('lists every subscription with its tenant and state', async () => {
    const tenantSub = await api('POST', `/v1/tenants/${TENANT}/subscriptions`, {
      url: `${receiver.url}/tenant`,
      eventTypes: [TYPE],
    });
    const operatorSub = await api('POST', '/v1/subscriptions', {
      url: `${receiver.url}/operator`,
      eventTypes: [TYPE],
    });
    expect([tenantSub.status, operatorSub.status]).toEqual([201, 201]);
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    const table = page.getByRole('table', { name: 'All subscriptions' });
    const tenantRow = table.getByRole('row').filter({ hasText: `${receiver.url}/tenant` });
    const operatorRow = table.getByRole('row').filter({ hasText: `${receiver.url}/operator` });
    await tenantRow.getByRole('link', { name: TENANT }).waitFor();
    await operatorRow.getByText('operator', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('finds an event by id with its deliveries, and says when there is none', async () => {
    await waitFor(
      async () => {
        const subs = await api('GET', '/v1/subscriptions');
        return subs.body.data.filter((s: { status: string }) => s.status === 'active').length >= 2;
      },
      60_000,
      'both subscriptions active',
    );
    const sent = await api('POST', '/v1/events', { type: TYPE, tenantId: TENANT, data: { n: 1 } });
    expect(sent.status).toBe(202);
    await waitFor(() => receiver.received.length >= 2, 60_000, 'both first attempts');

    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('Event id').fill('evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C');
    await page.getByRole('button', { name: 'Find event' }).click();
    await page.getByText(/^Event not found/).waitFor();

    await page.getByLabel('Event id').fill(sent.body.id);
    await page.getByRole('button', { name: 'Find event' }).click();
    await page.getByRole('heading', { name: sent.body.id }).waitFor();
    await page.getByText('"n": 1').waitFor();
    await page
      .getByText(/failed \(HTTP 503\)/)
      .first()
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("shows each subscription's dead letters, counted from its DLQ", async () => {
    const deadType = `dead${run}.failed`;
    // One retry, one second apart, against a receiver that answers 503: dead-lettered at once.
    const doomed = await api('POST', '/v1/subscriptions', {
      url: `${receiver.url}/dead`,
      eventTypes: [deadType],
      retrySchedule: [1],
    });
    expect(doomed.status, JSON.stringify(doomed.body)).toBe(201);
    await waitFor(
      async () =>
        (await api('GET', `/v1/subscriptions/${doomed.body.id}`)).body.status === 'active',
      60_000,
      'the subscription active',
    );
    expect((await api('POST', '/v1/events', { type: deadType, data: {} })).status).toBe(202);
    await waitFor(
      async () =>
        (await api('GET', `/v1/subscriptions/${doomed.body.id}/backlog`)).body.deadLettered === 1,
      60_000,
      'the dead letter',
    );

    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    const table = page.getByRole('table', { name: 'All subscriptions' });
    const header = table.getByRole('columnheader', { name: 'Dead letters' });
    await header.waitFor();
    const row = table.getByRole('row').filter({ hasText: `${receiver.url}/dead` });
    const column = await header.evaluate(
      (cell) => (cell as unknown as { cellIndex: number }).cellIndex,
    );
    const cell = row.locator('td').nth(column);
    await expect.poll(() => cell.textContent(), { timeout: 15_000 }).toMatch(/^1Empty$/);
    // A subscription whose queue never failed shows none.
    const healthy = table.getByRole('row').filter({ hasText: `${receiver.url}/operator` });
    await expect
      .poll(() => healthy.locator('td').nth(column).textContent(), { timeout: 15_000 })
      .toMatch(/^0/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'console-subscriptions');
  });

  it('cannot be framed by another site by default (frame-ancestors)', async () => {
    const { page: other, problems: refusals } = await openPage(await browser.newContext());
    await other.goto(`${receiver.url}/embed`);
    await expect
      .poll(() => refusals.some((line) => line.includes('frame-ancestors')), { timeout: 15_000 })
      .toBe(true);
    const framed = other.frames().find((frame) => frame !== other.mainFrame());
    expect(framed?.url()).not.toBe(`${dev.apiUrl}/console`);
    expect(
      await other.frameLocator('iframe').getByRole('heading', { name: 'Tenants' }).count(),
    ).toBe(0);
  });
});
