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
import { startReceiver } from '../support/receiver.js';

// The event type catalog in the web app: the operator keeps it in the console; a tenant picks
// an endpoint's types from it (exact types, a `prefix.*` group) in a catalog of 200+ types,
// gets the API's word on a bad filter next to the filter, keeps what an endpoint already had
// on edit, and reads a type's schema and example.

let dev: DevRuntime;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let portal: Page;
let portalProblems: string[];
const run = Math.random().toString(36).slice(2, 8);
const TENANT = `cat-${run}`;
// What a careless operator may put in a description: shown as text, never run.
const MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const ORDER_SCHEMA = {
  type: 'object',
  properties: { orderId: { type: 'string' }, amount: { type: 'integer', minimum: 0 } },
  required: ['orderId', 'amount'],
};

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1000 });
  receiver = await startReceiver(() => ({ status: 204 }));
  browser = await launchBrowser();
  expect((await api('POST', '/v1/tenants', { id: TENANT, name: 'Catalog Co' })).status).toBe(201);
  const entries = [
    {
      name: 'order.created',
      description: 'An order was placed',
      schema: ORDER_SCHEMA,
      example: { orderId: 'ord_42', amount: 1250 },
    },
    { name: 'order.shipped', description: 'The parcel left the warehouse' },
    { name: 'order.refunded', description: 'Money went back', deprecated: true },
    { name: 'invoice.paid', description: 'An invoice was paid' },
    { name: 'invoice.voided', description: `An invoice was cancelled ${MARKUP}` },
    // A large catalog: more than two pages of the API, for the filter box to earn its keep.
    ...Array.from({ length: 200 }, (_, n) => ({
      name: `area${Math.floor(n / 10)}.event${n % 10}`,
      description: `Bulk type number ${n}`,
    })),
  ];
  for (let start = 0; start < entries.length; start += 20) {
    const answers = await Promise.all(
      entries.slice(start, start + 20).map((entry) => api('POST', '/v1/event-types', entry)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
  }
  const minted = await api('POST', `/v1/tenants/${TENANT}/tokens`, {
    capabilities: ['read', 'write'],
  });
  expect(minted.status).toBe(201);
  const fragment = new URLSearchParams({
    token: minted.body.token,
    tenant: TENANT,
    caps: minted.body.capabilities.join(','),
    expires: minted.body.expiresAt,
  });
  ({ page: portal, problems: portalProblems } = await openPage(
    await browser.newContext({ viewport: { width: 1000, height: 900 } }),
  ));
  await portal.goto(`${dev.apiUrl}/portal#${fragment}`);
  await portal.getByRole('heading', { name: 'Endpoints' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await receiver?.close();
});

describe('the console’s catalog screen', () => {
  it('creates an event type, showing a schema problem by the schema with its path first', async () => {
    const { page, problems } = await openPage(
      await browser.newContext({ viewport: { width: 1000, height: 900 } }),
    );
    await page.goto(`${dev.apiUrl}/console`);
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Event types' })
      .click();
    await page.getByRole('heading', { name: 'Event types' }).waitFor();
    await page.getByRole('link', { name: 'order.created', exact: true }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('refund.issued');
    await page.getByLabel('Description').fill('A refund was issued');
    const schema = page.getByLabel('JSON Schema of data (optional)');
    await schema.fill('{"type": "object", "properties": {"amount": {"typ": "integer"}}}');
    await page.getByLabel('Example data (optional)').fill('{"amount": 5}');
    await page.getByRole('button', { name: 'Create event type' }).click();
    await expect.poll(() => schema.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    expect(await page.locator('#event-type-schema-error').textContent()).toMatch(
      /schema\.properties\.amount\.typ: /,
    );
    expect(await schema.getAttribute('aria-describedby')).toContain('event-type-schema-error');
    await expectAccessible(page);

    await schema.fill('{"type": "object", "properties": {"amount": {"type": "integer"}}}');
    await page.getByRole('button', { name: 'Create event type' }).click();
    await page.getByRole('link', { name: 'refund.issued', exact: true }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'console-event-types');
    const stored = await api('GET', '/v1/event-types/refund.issued');
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      description: 'A refund was issued',
      schema: { type: 'object', properties: { amount: { type: 'integer' } } },
      example: { amount: 5 },
      deprecated: false,
    });

    // Edit it: deprecated, then delete it.
    await page.getByRole('link', { name: 'refund.issued', exact: true }).click();
    await page.getByRole('heading', { name: 'refund.issued' }).waitFor();
    await page.getByLabel(/^Deprecated/).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Event types' }).waitFor();
    expect((await api('GET', '/v1/event-types/refund.issued')).body.deprecated).toBe(true);
    await page.getByRole('link', { name: 'refund.issued', exact: true }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByRole('heading', { name: 'Event types' }).waitFor();
    expect((await api('GET', '/v1/event-types/refund.issued')).status).toBe(404);
    expect(problems).toEqual([]);
  });
});

describe('the portal’s event type picker', () => {
  let endpointId: string;

  it('shows the API’s refusal of no types next to the picker', async () => {
    await portal.getByRole('link', { name: 'Add endpoint' }).click();
    await portal.getByRole('heading', { name: 'Add endpoint' }).waitFor();
    const picker = portal.getByRole('group', { name: 'Event types' });
    await picker.getByRole('group', { name: 'invoice' }).waitFor();
    await portal.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hooks/catalog`);
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    const error = portal.locator('#endpoint-types-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/at least one event type/);
    expect(await picker.getAttribute('aria-describedby')).toContain('endpoint-types-error');
  });

  it('ticks types and a prefix.* group, which takes in its members', async () => {
    const picker = portal.getByRole('group', { name: 'Event types' });
    // The deprecated type is shown as such and cannot be a new pick.
    const refunded = portal.getByLabel('order.refunded', { exact: true });
    expect(await refunded.isDisabled()).toBe(true);
    expect(
      await picker
        .getByRole('group', { name: 'order', exact: true })
        .getByText('deprecated')
        .count(),
    ).toBe(1);

    await portal.getByLabel('invoice.paid', { exact: true }).check();
    await portal.getByLabel('order.created', { exact: true }).check();
    await portal.getByLabel('All order events (order.*)').check();
    const created = portal.getByLabel('order.created', { exact: true });
    expect(await created.isDisabled()).toBe(true);
    expect(await created.isChecked()).toBe(true);
    expect(await portal.getByLabel('order.shipped', { exact: true }).isChecked()).toBe(true);

    // 205 types: the filter box narrows the list to find one.
    const filter = portal.getByLabel('Filter the list');
    await filter.fill('number 137');
    await portal.getByText('1 of 205 types match').waitFor();
    expect(await picker.getByRole('checkbox').count()).toBe(3); // *, area13.*, area13.event7
    await portal.getByLabel('area13.event7', { exact: true }).check();
    await filter.fill('');
    await portal.getByText('Receives: area13.event7, invoice.paid, order.*').waitFor();
    await expectAccessible(portal);
    await filter.fill('order');
    await screenshot(portal, 'portal-event-type-picker', { fullPage: true });
    await filter.fill('');
  });

  it('shows a JSON syntax error with its line, then the API’s word on a bad filter', async () => {
    const filter = portal.getByLabel('Filter (optional)');
    await filter.fill('{\n  "amount": 1\n  "currency": "EUR"\n}');
    await portal.getByLabel('Description').focus();
    const error = portal.locator('#endpoint-filter-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Not valid JSON at line 3, column 3/);

    await filter.fill('{"amount": [{"numeric": [">", 30, "<", 1]}]}');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await expect
      .poll(() => error.textContent(), { timeout: 15_000 })
      .toMatch(/lower bound 30 must be less than the upper bound 1/);
    expect(await filter.getAttribute('aria-invalid')).toBe('true');
    expect(await filter.getAttribute('aria-describedby')).toContain('endpoint-filter-error');
    expect((await api('GET', `/v1/tenants/${TENANT}/subscriptions`)).body.data).toEqual([]);
    await expectAccessible(portal);

    await filter.fill('{"amount": [{"numeric": [">", 100]}]}');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await portal.getByRole('heading', { name: `${receiver.url}/hooks/catalog` }).waitFor();
    endpointId = new URL(portal.url()).pathname.split('/').at(-1) ?? '';
    const stored = await api('GET', `/v1/tenants/${TENANT}/subscriptions/${endpointId}`);
    expect(stored.body.eventTypes).toEqual(['area13.event7', 'invoice.paid', 'order.*']);
    expect(stored.body.filter).toEqual({ amount: [{ numeric: ['>', 100] }] });
  });

  it('keeps, on edit, a deprecated type and one the catalog does not know', async () => {
    const changed = await api('PATCH', `/v1/tenants/${TENANT}/subscriptions/${endpointId}`, {
      eventTypes: ['order.refunded', 'gone.away', 'invoice.paid'],
    });
    expect(changed.status).toBe(200);
    await portal.goto(`${dev.apiUrl}/portal/endpoints/${endpointId}/edit`);
    await portal.getByRole('heading', { name: 'Edit endpoint' }).waitFor();
    const unknown = portal.getByRole('group', { name: 'Not in the catalog' });
    const gone = unknown.getByLabel('gone.away', { exact: true });
    await gone.waitFor();
    expect(await gone.isChecked()).toBe(true);
    const refunded = portal.getByLabel('order.refunded', { exact: true });
    expect(await refunded.isChecked()).toBe(true);
    expect(await refunded.isDisabled()).toBe(false);
    await portal.getByLabel('invoice.voided', { exact: true }).check();
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await portal.getByRole('heading', { name: `${receiver.url}/hooks/catalog` }).waitFor();
    const stored = await api('GET', `/v1/tenants/${TENANT}/subscriptions/${endpointId}`);
    expect(stored.body.eventTypes).toEqual([
      'gone.away',
      'invoice.paid',
      'invoice.voided',
      'order.refunded',
    ]);
  });
});

describe('the portal’s event types screen', () => {
  it('lists the catalog and shows a type’s schema and example', async () => {
    await portal
      .getByRole('navigation', { name: 'Portal' })
      .getByRole('link', { name: 'Event types' })
      .click();
    await portal.getByRole('heading', { name: 'Event types' }).waitFor();
    await portal.getByText('205 of 205 types').waitFor();
    await portal.getByText(`An invoice was cancelled ${MARKUP}`).waitFor();
    expect(await portal.evaluate('window.__pwned')).toBeUndefined();
    const refundedRow = portal.getByRole('row').filter({ hasText: 'order.refunded' });
    await refundedRow.getByText('deprecated').waitFor();
    await portal.getByLabel('Filter').fill('order.');
    await portal.getByText('3 of 205 types').waitFor();
    await expectAccessible(portal);
    await screenshot(portal, 'portal-event-types');

    await portal.getByRole('link', { name: 'order.created', exact: true }).click();
    await portal.getByRole('heading', { name: 'order.created' }).waitFor();
    await portal.getByText('An order was placed').waitFor();
    expect(await portal.locator('#event-type-schema').textContent()).toBe(
      JSON.stringify(ORDER_SCHEMA, null, 2),
    );
    expect(await portal.locator('#event-type-example').textContent()).toBe(
      JSON.stringify({ orderId: 'ord_42', amount: 1250 }, null, 2),
    );
    await portal.getByRole('button', { name: 'Copy the example' }).waitFor();
    await expectAccessible(portal);
    await screenshot(portal, 'portal-event-type');
  });

  it('works on a 375 px wide screen', async () => {
    await portal.setViewportSize({ width: 375, height: 800 });
    expect(await scrollsSideways(portal)).toBe(false);
    await portal.goto(`${dev.apiUrl}/portal/event-types`);
    await portal.getByText('205 of 205 types').waitFor();
    expect(await scrollsSideways(portal)).toBe(false);
    await portal.goto(`${dev.apiUrl}/portal/endpoints/new`);
    await portal.getByLabel('All order events (order.*)').waitFor();
    expect(await scrollsSideways(portal)).toBe(false);
    await expectAccessible(portal);
    expect(portalProblems).toEqual([]);
  });
});
