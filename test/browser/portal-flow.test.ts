import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
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

// The whole story of issue 13, by clicking: the operator creates a tenant in the console and
// mints a portal link; the customer opens it, registers a URL (a local receiver), sends a
// test event, sees it delivered, rotates the secret; the receiver verifies both signatures;
// the operator revokes the token and the customer's session ends.

let dev: DevRuntime;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const TENANT = `acme-${run}`;

beforeAll(async () => {
  // Revocation must show within the test: no authorizer result is reused.
  process.env.HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS = '0';
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1000 });
  receiver = await startReceiver(() => ({ status: 204 }));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await receiver?.close();
});

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

describe('the console and a portal link, end to end', () => {
  let portalLink: string;
  let console_: Page;
  let consoleProblems: string[];
  let portal: Page;
  let portalProblems: string[];
  let endpointPath: string;
  let secrets: { before: string; after: string };

  it('the operator creates a tenant and mints a portal link in the console', async () => {
    ({ page: console_, problems: consoleProblems } = await openPage(
      await browser.newContext({ viewport: { width: 1000, height: 800 } }),
    ));
    await console_.goto(`${dev.apiUrl}/`);
    await console_.getByRole('heading', { name: 'Tenants' }).waitFor();
    await console_.getByLabel('Tenant id').fill(TENANT);
    await console_.getByLabel('Name').fill('Acme Inc');
    await console_.getByRole('button', { name: 'Create tenant' }).click();
    await console_.getByRole('heading', { name: 'Acme Inc' }).waitFor();

    for (const capability of ['Reveal and rotate signing secrets', 'Resend, replay and redrive']) {
      await console_.getByLabel(capability).check();
    }
    await console_.getByRole('button', { name: 'Create portal link' }).click();
    portalLink = await console_.getByLabel('Portal link', { exact: true }).inputValue();
    expect(portalLink).toMatch(
      new RegExp(`^${dev.apiUrl}/portal#token=hbt_[0-9a-f]{24}\\.[\\w-]{43}&tenant=${TENANT}&`),
    );
    await console_.getByRole('cell', { name: 'active' }).first().waitFor();
    await expectAccessible(console_);
    await screenshot(console_, 'console-tenant');
  });

  it('the portal link opens a session and the token leaves the address bar', async () => {
    ({ page: portal, problems: portalProblems } = await openPage(
      await browser.newContext({ viewport: { width: 1000, height: 900 } }),
    ));
    const apiRequests: string[] = [];
    const referers: string[] = [];
    portal.on('request', (request) => {
      apiRequests.push(request.url());
      const referer = request.headers().referer;
      if (referer) referers.push(referer);
    });
    await portal.goto(portalLink);
    await portal.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await portal.getByText('No endpoints yet').waitFor();
    expect(portal.url()).toBe(`${dev.apiUrl}/portal`);
    const token = new URLSearchParams(new URL(portalLink).hash.slice(1)).get('token') ?? '';
    expect(apiRequests.some((url) => url.includes(token) || url.includes('token='))).toBe(false);
    expect(referers).toEqual([]);
    // No history entry keeps the token: back is the blank tab, forward the bare portal.
    await portal.goBack();
    expect(portal.url()).toBe('about:blank');
    await portal.goForward();
    expect(portal.url()).toBe(`${dev.apiUrl}/portal`);
    // The session lives on in this tab (sessionStorage), and only there.
    await portal.getByText('No endpoints yet').waitFor();
    const elsewhere = await browser.newContext();
    const other = await elsewhere.newPage();
    await other.goto(`${dev.apiUrl}/portal`);
    await other.getByRole('heading', { name: 'Your session has ended' }).waitFor();
    await elsewhere.close();
    await expectAccessible(portal);
  });

  it('refuses an address the API refuses, next to the URL field, then creates the endpoint', async () => {
    await portal.getByRole('link', { name: 'Add endpoint' }).click();
    await portal.getByRole('heading', { name: 'Add endpoint' }).waitFor();
    await portal.getByLabel('URL', { exact: true }).fill('http://10.1.2.3/hook');
    await portal.getByLabel('Event types').fill('*');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    const url = portal.getByLabel('URL', { exact: true });
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
    const error = portal.locator(`#${describedBy.split(' ').find((id) => id.endsWith('-error'))}`);
    expect(await error.textContent()).toMatch(/^url: /);
    await expectAccessible(portal);

    await url.fill(`${receiver.url}/hooks/acme`);
    await portal.getByLabel('Description').fill('Orders service');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await portal.getByRole('heading', { name: `${receiver.url}/hooks/acme` }).waitFor();
    endpointPath = new URL(portal.url()).pathname;
    expect(endpointPath).toMatch(/^\/portal\/endpoints\/sub_[0-9A-Z]{26}$/);
  });

  it('sends a test event and watches it arrive, then sees it in the log and the chart', async () => {
    await portal.getByText('active', { exact: true }).first().waitFor({ timeout: 30_000 });
    await portal.getByRole('button', { name: 'Send test event' }).click();
    await portal.getByText(/Test event delivered: HTTP 204/).waitFor({ timeout: 60_000 });
    expect(receiver.received.filter((r) => r.path === '/hooks/acme')).toHaveLength(1);
    const log = portal.getByRole('table', { name: 'Delivery attempts, newest first' });
    await log.getByRole('cell', { name: 'delivered' }).waitFor();
    await portal.getByText(/1 delivered, 0 failed/).waitFor();
    // The lane's depth, counted after the test: nothing waits, nothing was dead-lettered.
    await expect.poll(() => portal.locator('dt:text-is("Queue") + dd').textContent()).toBe('Empty');
    expect(await portal.locator('dt:text-is("Dead letters") + dd').textContent()).toBe('0');
    await portal.getByLabel('Outcome').selectOption('failed');
    await portal.getByText('No attempts with outcome failed.').waitFor();
    await portal.getByLabel('Outcome').selectOption('');
    await log.getByRole('cell', { name: 'delivered' }).waitFor();
    await expectAccessible(portal);
    await screenshot(portal, 'portal-endpoint', { fullPage: true });
  });

  it('reveals and rotates the secret; the receiver verifies both signatures', async () => {
    await portal.getByRole('button', { name: 'Reveal secret' }).click();
    const before = await portal.getByLabel('Current secret').inputValue();
    expect(before).toMatch(/^whsec_/);
    await portal.getByLabel('Grace period for the old secret').selectOption({ label: '1 hour' });
    await portal.getByRole('button', { name: 'Rotate secret' }).click();
    await portal.getByText('Secret rotated.').waitFor();
    const after = await portal.getByLabel('Current secret').inputValue();
    expect(after).not.toBe(before);
    await portal
      .getByRole('list', { name: 'Previous secrets still signing' })
      .getByText(before)
      .waitFor();
    await portal.getByText('Verify deliveries in your code').click();
    await expect.poll(() => portal.getByText(`new Webhook('${after}')`).count()).toBe(1);
    secrets = { before, after };

    await portal.getByRole('button', { name: 'Send test event' }).click();
    await portal.getByText(/Test event delivered: HTTP 204/).waitFor({ timeout: 60_000 });
    await waitFor(() => receiver.received.filter((r) => r.path === '/hooks/acme').length === 2);
    const delivery = receiver.received.filter((r) => r.path === '/hooks/acme')[1];
    if (!delivery) throw new Error('no second delivery');
    const headers = {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [secrets.before, secrets.after]) {
      expect(new Webhook(secret).verify(delivery.body, headers)).toMatchObject({
        type: expect.any(String),
      });
    }
    // And a secret the endpoint never had does not verify it.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(delivery.body, headers),
    ).toThrow();
  });

  it('resends one event from the log (a published one: test events are not stored)', async () => {
    const log = portal.getByRole('table', { name: 'Delivery attempts, newest first' });
    expect(await log.getByRole('button', { name: /^Resend event/ }).count()).toBe(0);
    const sent = await apiCall(dev.apiUrl, 'POST', '/v1/events', {
      type: 'order.created',
      tenantId: TENANT,
      data: { order: 42 },
    });
    expect(sent.status).toBe(202);
    const arrived = () =>
      receiver.received.filter((r) => r.headers['webhook-id'] === sent.body.id).length;
    await waitFor(() => arrived() === 1, 60_000, 'the published event');
    await expect
      .poll(
        async () => {
          // Each click waits for the log's answer: a click while one is in flight cancels it,
          // and on a loaded machine every answer could be cancelled by the next try.
          const answered = portal.waitForResponse((r) => r.url().includes('/deliveries'));
          await portal.getByRole('button', { name: 'Refresh' }).click();
          await answered;
          return log.getByRole('button', { name: `Resend event ${sent.body.id}` }).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await log.getByRole('button', { name: `Resend event ${sent.body.id}` }).click();
    await portal.getByText(/queued again/).waitFor();
    await waitFor(() => arrived() === 2, 60_000, 'the resent delivery');
  });

  it('edits, pauses, resumes and deletes an endpoint', async () => {
    await portal.goto(`${dev.apiUrl}/portal/endpoints/new`);
    await portal.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hooks/spare`);
    await portal.getByLabel('Event types').fill('invoice.*');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await portal.getByRole('heading', { name: `${receiver.url}/hooks/spare` }).waitFor();
    await portal.getByText('active', { exact: true }).first().waitFor({ timeout: 30_000 });

    await portal.getByRole('link', { name: 'Edit' }).click();
    await portal.getByRole('heading', { name: 'Edit endpoint' }).waitFor();
    const types = portal.getByLabel('Event types');
    await expect.poll(() => types.inputValue()).toBe('invoice.*');
    await types.fill('invoice.paid, not a type!');
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => types.getAttribute('aria-invalid')).toBe('true');
    await portal.locator('#endpoint-types-error').waitFor();
    await portal.getByLabel('Filter (optional)').fill('{"amount": ');
    await types.fill('invoice.paid');
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await portal
      .locator('#endpoint-filter-error')
      .getByText(/Not valid JSON/)
      .waitFor();
    await portal.getByLabel('Filter (optional)').fill('{"amount": [{"numeric": [">", 100]}]}');
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await portal.getByRole('heading', { name: `${receiver.url}/hooks/spare` }).waitFor();
    await portal.getByText('invoice.paid', { exact: true }).waitFor();
    await portal.getByText('{"amount":[{"numeric":[">",100]}]}').waitFor();

    await portal.getByRole('button', { name: 'Pause' }).click();
    await portal.getByRole('button', { name: 'Resume' }).waitFor();
    await portal.getByText('paused', { exact: true }).waitFor();
    await portal.getByRole('button', { name: 'Resume' }).click();
    await portal.getByRole('button', { name: 'Pause' }).waitFor();

    await portal.getByRole('button', { name: 'Delete' }).click();
    await portal.getByRole('button', { name: 'Keep it' }).click();
    await portal.getByRole('button', { name: 'Delete' }).click();
    await portal.getByRole('button', { name: 'Delete for good' }).click();
    await portal.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await portal.getByRole('link', { name: `${receiver.url}/hooks/acme` }).waitFor();
    await expect
      .poll(async () => {
        await portal.reload();
        await portal.getByRole('link', { name: `${receiver.url}/hooks/acme` }).waitFor();
        return portal.getByRole('link', { name: `${receiver.url}/hooks/spare` }).count();
      })
      .toBe(0);
  });

  it('works on a 375 px wide screen without sideways scrolling', async () => {
    await portal.setViewportSize({ width: 375, height: 800 });
    for (const path of ['/portal', endpointPath]) {
      await portal.goto(`${dev.apiUrl}${path}`);
      await portal.getByRole('heading', { level: 1 }).waitFor();
      await portal.getByRole('button', { name: 'End session' }).waitFor();
      expect(await scrollsSideways(portal)).toBe(false);
    }
    await screenshot(portal, 'portal-mobile');
    await portal.setViewportSize({ width: 1000, height: 900 });
  });

  it('ends the session when the operator revokes the token', async () => {
    await console_.getByRole('button', { name: /^Revoke token / }).click();
    await console_.getByText(/revoked; it stops working/).waitFor();
    await portal.goto(`${dev.apiUrl}/portal`);
    await portal.getByRole('heading', { name: 'Your session has ended' }).waitFor();
    await portal.getByText(/revoked or has expired/).waitFor();
    expect(await portal.evaluate('sessionStorage.length')).toBe(0);
    // The screen holds nothing of the tenant any more.
    expect(await portal.getByText('/hooks/acme').count()).toBe(0);
    expect(portalProblems).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });
});
