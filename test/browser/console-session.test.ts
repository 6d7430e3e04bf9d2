import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import { launchBrowser, openPage, seriousViolations } from '../support/browser.js';
import { run as cli } from '../support/cli-process.js';

// The deployed console's flow, tried locally: `hookbridge console` prints a link with a
// console session in its fragment; the console takes it out of the address bar, sends it as
// Bearer on every call, and ends on a clear screen once it is revoked. The authorizer cache
// is off, so the revocation is seen by the next call.

let dev: DevRuntime;
let browser: Browser;
const run = Math.random().toString(36).slice(2, 8);
const TENANT = `delta-${run}`;

beforeAll(async () => {
  process.env.HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS = '0';
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint') });
  browser = await launchBrowser();
  const created = await apiCall(dev.apiUrl, 'POST', '/v1/tenants', { id: TENANT, name: 'Delta' });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  delete process.env.HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS;
});

/** Every request the page sends to the API, with its Authorization and Referer. */
function recordApiCalls(page: Page) {
  const calls: { url: string; authorization?: string; referer?: string }[] = [];
  page.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith('/v1/')) return;
    const headers = request.headers();
    calls.push({
      url: request.url(),
      ...(headers.authorization !== undefined && { authorization: headers.authorization }),
      ...(headers.referer !== undefined && { referer: headers.referer }),
    });
  });
  return calls;
}

describe('the console with a session link', () => {
  it('takes the session out of the address bar, calls as Bearer, and ends once revoked', async () => {
    const minted = await cli(['--endpoint', dev.apiUrl, 'console', '--lifetime', '10m'], {
      HOOKBRIDGE_TOKEN: undefined,
      HOOKBRIDGE_API_KEY: undefined,
      HOOKBRIDGE_WEB_URL: undefined,
    });
    expect(minted.code, minted.stderr).toBe(0);
    const link = minted.stdout.trim();
    const session = new URLSearchParams(new URL(link).hash.slice(1)).get('session') ?? '';
    expect(session).toMatch(/^hbc_/);

    const { page, problems } = await openPage(
      await browser.newContext({ viewport: { width: 375, height: 800 } }),
    );
    const calls = recordApiCalls(page);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await page.getByRole('link', { name: TENANT }).waitFor();
    expect(page.url()).toBe(`${dev.apiUrl}/console`);
    // No history entry keeps the session: back is the blank tab, forward the bare console.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    await page.goForward();
    expect(page.url()).toBe(`${dev.apiUrl}/console`);
    await page.getByRole('link', { name: TENANT }).waitFor();
    await page.getByText(/^Session until/).waitFor();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.authorization, call.url).toBe(`Bearer ${session}`);
      expect(call.url).not.toContain('hbc_');
      expect(call.referer ?? '').not.toContain('hbc_');
    }
    expect(await seriousViolations(page)).toEqual([]);

    // A reload of the tab keeps the session (sessionStorage), still out of the address bar.
    await page.reload();
    await page.getByRole('link', { name: TENANT }).waitFor();
    expect(page.url()).toBe(`${dev.apiUrl}/console`);

    const id = session.slice(4, 28);
    expect((await apiCall(dev.apiUrl, 'DELETE', `/v1/console-sessions/${id}`)).status).toBe(204);
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByRole('heading', { name: 'Your console session has ended' }).waitFor();
    await page.getByText('hookbridge console', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: TENANT }).count()).toBe(0);
    expect(await page.evaluate('JSON.stringify(sessionStorage)')).not.toContain('hbc_');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('deployed without a session, says how to get a link instead of calling the API', async () => {
    const { page, problems } = await openPage(await browser.newContext());
    const calls = recordApiCalls(page);
    // What the stack writes next to the deployed app: the token API's URL.
    await page.route('**/config.json', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/' }),
      }),
    );
    await page.goto(`${dev.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Open the console with a link' }).waitFor();
    await page.getByText('hookbridge console', { exact: true }).waitFor();
    expect(calls).toEqual([]);

    expect(await seriousViolations(page)).toEqual([]);

    // A link cut short when pasted is refused as such, and leaves the address bar too.
    const cut = await page.context().newPage();
    const cutCalls = recordApiCalls(cut);
    await cut.goto(`${dev.apiUrl}/console#session=hbc_0123&expires=2099-01-01T00:00:00.000Z`);
    await cut.getByRole('heading', { name: 'Your console session has ended' }).waitFor();
    await cut.getByText(/incomplete or malformed/).waitFor();
    expect(cut.url()).toBe(`${dev.apiUrl}/console`);
    expect([...calls, ...cutCalls]).toEqual([]);
    expect(problems).toEqual([]);
  });
});
