import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import { launchBrowser, openPage, screenshot, seriousViolations } from '../support/browser.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// Two tenants, set up through the API as an operator's backend would; then each one's portal
// as its customer sees it: nothing of the other tenant, even by pasting the other's ids, and
// no control the session's capabilities do not allow.

let dev: DevRuntime;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const A = `alpha-${run}`;
const B = `beta-${run}`;
const TYPE = `iso${run}.created`;
// What a hostile receiver or a careless operator may put where the portal shows text.
const MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const ids: Record<string, { sub: string; event: string; url: string }> = {};

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

async function portalLink(tenantId: string, capabilities: string[]): Promise<string> {
  const minted = await api('POST', `/v1/tenants/${tenantId}/tokens`, { capabilities });
  expect(minted.status).toBe(201);
  const fragment = new URLSearchParams({
    token: minted.body.token,
    tenant: tenantId,
    caps: minted.body.capabilities.join(','),
    expires: minted.body.expiresAt,
  });
  return `${dev.apiUrl}/portal#${fragment}`;
}

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1000 });
  // B's receiver is down: its log has failures with the response excerpt to show.
  receiver = await startReceiver((request) =>
    request.path.startsWith(`/${B}`)
      ? { status: 500, body: `receiver down for maintenance ${MARKUP}` }
      : { status: 200 },
  );
  browser = await launchBrowser();
  for (const tenant of [A, B]) {
    expect(
      (await api('POST', '/v1/tenants', { id: tenant, name: tenant.toUpperCase() })).status,
    ).toBe(201);
    const url = `${receiver.url}/${tenant}`;
    const sub = await api('POST', `/v1/tenants/${tenant}/subscriptions`, {
      url,
      eventTypes: [TYPE],
      description: `Orders ${MARKUP}`,
    });
    expect(sub.status).toBe(201);
    ids[tenant] = { sub: sub.body.id, event: '', url };
  }
  await waitFor(
    async () => {
      const subs = await api('GET', '/v1/subscriptions');
      return subs.body.data.filter((s: { status: string }) => s.status === 'active').length >= 2;
    },
    60_000,
    'both subscriptions active',
  );
  for (const tenant of [A, B]) {
    const sent = await api('POST', '/v1/events', {
      type: TYPE,
      tenantId: tenant,
      data: { tenant },
    });
    expect(sent.status).toBe(202);
    const entry = ids[tenant];
    if (entry) entry.event = sent.body.id;
  }
  await waitFor(() => receiver.received.length >= 2, 60_000, 'both deliveries');
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await receiver?.close();
});

async function open(link: string, width = 1000): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(await browser.newContext({ viewport: { width, height: 900 } }));
  await opened.page.goto(link);
  await opened.page.getByRole('heading', { name: 'Endpoints' }).waitFor();
  return opened;
}

describe("a tenant's portal", () => {
  it("lists only the tenant's own endpoints", async () => {
    const { page, problems } = await open(await portalLink(A, ['read', 'write']));
    await page.getByRole('link', { name: ids[A]?.url }).waitFor();
    expect(await page.getByText(ids[B]?.url ?? '-').count()).toBe(0);
    expect(await page.getByText(B).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-endpoints');
    expect(problems).toEqual([]);
  });

  it("answers 'not found' for the other tenant's endpoint id and event id pasted in", async () => {
    const { page } = await open(await portalLink(A, ['read', 'write', 'secrets', 'resend']));
    await page.goto(`${dev.apiUrl}/portal/endpoints/${ids[B]?.sub}`);
    await page.getByRole('heading', { name: 'Endpoint not found' }).waitFor();
    expect(await page.getByText(ids[B]?.url ?? '-').count()).toBe(0);

    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('Event id').fill(ids[B]?.event ?? '');
    await page.getByRole('button', { name: 'Find event' }).click();
    await page.getByText(/^Event not found/).waitFor();

    // Its own event is found, with the delivery to its own endpoint only.
    await page.getByLabel('Event id').fill(ids[A]?.event ?? '');
    await page.getByRole('button', { name: 'Find event' }).click();
    await page.getByRole('heading', { name: ids[A]?.event }).waitFor();
    await page.getByText(ids[A]?.sub ?? '-').waitFor();
    expect(await page.getByText(ids[B]?.sub ?? '-').count()).toBe(0);
    // The session is still on: a not-found is not a refused token.
    await page.getByRole('button', { name: 'End session' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows a read-only session no control it cannot use', async () => {
    const { page, problems } = await open(await portalLink(B, ['read']));
    expect(await page.getByRole('link', { name: 'Add endpoint' }).count()).toBe(0);
    await page.getByRole('link', { name: ids[B]?.url }).click();
    await page.getByRole('heading', { name: 'Attempt log' }).waitFor();
    await page.getByRole('cell', { name: 'failed' }).first().waitFor();
    // The status and the start of what the receiver answered.
    await page.getByRole('cell', { name: '500', exact: true }).first().waitFor();
    await page.getByText('receiver down for maintenance').first().waitFor();
    // Markup from the receiver and in the description is shown as text, never run.
    await page.getByText(`Orders ${MARKUP}`).waitFor();
    const excerpt = page.locator('details').filter({ hasText: 'receiver down' }).first();
    await excerpt.locator('summary').click();
    await excerpt.locator('pre').getByText(`receiver down for maintenance ${MARKUP}`).waitFor();
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    for (const name of [
      'Edit',
      'Pause',
      'Delete',
      'Reveal secret',
      'Rotate secret',
      'Send test event',
      'Replay window',
      'Redrive dead-letter queue',
    ]) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Resend/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('ends at once for a link whose token was tampered with, and keeps nothing', async () => {
    const link = await portalLink(A, ['read']);
    const tampered = link.replace(
      /(token=hbt_[0-9a-f]{24}\.)(.)/,
      (_, head, c) => `${head}${c === 'A' ? 'B' : 'A'}`,
    );
    expect(tampered).not.toBe(link);
    const { page } = await openPage(await browser.newContext());
    await page.goto(tampered);
    await page.getByRole('heading', { name: 'Your session has ended' }).waitFor();
    expect(page.url()).toBe(`${dev.apiUrl}/portal`);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    // A truncated token never even reaches the API.
    const truncated = link.replace(/(token=hbt_[0-9a-f]{24}\.[\w-]{10})[\w-]+/, '$1');
    // A fresh tab: on the same page, a new fragment alone would not load the app again.
    const { page: fresh } = await openPage(await browser.newContext());
    const requests: string[] = [];
    fresh.on('request', (request) => requests.push(request.url()));
    await fresh.goto(truncated);
    await fresh.getByText(/incomplete or malformed/).waitFor();
    expect(requests.filter((url) => url.includes('/v1/'))).toEqual([]);
  });

  it('ends when the link has expired, whatever the stored session says', async () => {
    const link = await portalLink(A, ['read']);
    const past = link.replace(
      /expires=[^&]+/,
      `expires=${encodeURIComponent(new Date(Date.now() - 1000).toISOString())}`,
    );
    const { page } = await openPage(await browser.newContext());
    await page.goto(past);
    await page.getByText(/has expired/).waitFor();
    // Claiming a later expiry than the token's does not extend it either: the API decides.
    const later = link.replace(/expires=[^&]+/, 'expires=2099-01-01T00%3A00%3A00.000Z');
    await api('DELETE', `/v1/tenants/${A}/tokens`);
    const { page: fresh } = await openPage(await browser.newContext());
    await fresh.goto(later);
    await fresh.getByRole('heading', { name: 'Your session has ended' }).waitFor();
    await fresh.getByText(/revoked or has expired/).waitFor();
  });

  it('ends by itself when the token’s lifetime is over, with the page left open', async () => {
    const context = await browser.newContext();
    const { page } = await openPage(context);
    await page.clock.install();
    await page.goto(await portalLink(A, ['read']));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.getByRole('link', { name: ids[A]?.url }).waitFor();
    // The token lives 1 h by default: an hour and a minute later, without a request.
    await page.clock.fastForward('01:01:00');
    await page.getByRole('heading', { name: 'Your session has ended' }).waitFor();
    await page.getByText(/end of its link’s lifetime/).waitFor();
    expect(await page.getByText(ids[A]?.url ?? '-').count()).toBe(0);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await context.close();
  });
});
