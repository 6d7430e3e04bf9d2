import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseJson, waitFor } from '../support/cli-process.js';
import { type CliTenants, startCliTenants } from '../support/cli-tenants.js';

/**
 * The message API through the CLI (`events get|list`, `subscriptions resend`) against
 * `hookbridge dev`, as a tenant's token and as the operator: each tenant sees its own events and
 * destinations only. The tests run in order and build on each other.
 */
let stage: CliTenants;
const tokens = { acme: '', globex: '' };
let eventId = '';

beforeAll(async () => {
  stage = await startCliTenants({ AWS_ENDPOINT_URL: inject('awsEndpoint') });
  for (const tenant of ['acme', 'globex'] as const) {
    const minted = await stage.ok([
      'tokens',
      'create',
      '--tenant',
      tenant,
      '--capabilities',
      'read,resend',
    ]);
    tokens[tenant] = minted.token;
  }
  const sent = await stage.as({}, [
    'send',
    'order.created',
    '--tenant',
    'acme',
    '--data',
    '{"n":1}',
  ]);
  expect(sent.code, sent.stderr).toBe(0);
  eventId = sent.stdout.trim();
}, 120_000);
afterAll(() => stage?.stop());

describe('hookbridge events and resend, per tenant', () => {
  it("events get|list: the tenant's token sees its event delivered; the other tenant sees nothing of it", async () => {
    const acme = { HOOKBRIDGE_TOKEN: tokens.acme };
    await waitFor(
      'the event at acme',
      stage.listeners.acme,
      () => (stage.received('acme').includes(eventId) ? true : undefined),
      45_000,
    );
    let shown: { deliveries: { subscriptionId: string; state: string }[] } | undefined;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const result = await stage.as(acme, ['events', 'get', eventId, '--tenant', 'acme', '--json']);
      expect(result.code, result.stderr).toBe(0);
      shown = JSON.parse(result.stdout);
      if (shown?.deliveries.some((d) => d.state === 'delivered')) break;
    }
    expect(shown?.deliveries).toEqual([
      expect.objectContaining({ subscriptionId: stage.subs.acme, state: 'delivered' }),
    ]);

    const human = await stage.as(acme, ['events', 'get', eventId, '--tenant', 'acme']);
    expect(human.stdout).toMatch(
      new RegExp(`^${stage.subs.acme} +(acme +)?delivered +1 +204 `, 'm'),
    );
    const listed = await stage.as(acme, [
      'events',
      'list',
      '--tenant',
      'acme',
      '--type',
      'order.*',
      '--json',
    ]);
    expect(JSON.parse(listed.stdout).data.map((e: { id: string }) => e.id)).toContain(eventId);

    const globex = { HOOKBRIDGE_TOKEN: tokens.globex };
    expect((await stage.as(globex, ['events', 'get', eventId, '--tenant', 'globex'])).code).toBe(4);
    const theirs = await stage.as(globex, [
      'events',
      'list',
      '--tenant',
      'globex',
      '--all',
      '--json',
    ]);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(JSON.parse(theirs.stdout).data.map((e: { id: string }) => e.id)).not.toContain(eventId);
    const everything = await stage.ok(['events', 'get', eventId]);
    expect(
      everything.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId),
    ).not.toContain(stage.subs.globex);
  }, 120_000);

  it('subscriptions resend: delivered again to that one subscription; never across tenants', async () => {
    const acme = { HOOKBRIDGE_TOKEN: tokens.acme };
    const resent = await stage.as(acme, [
      'subscriptions',
      'resend',
      stage.subs.acme,
      '--event',
      eventId,
      '--tenant',
      'acme',
      '--json',
    ]);
    expect(resent.code, resent.stderr).toBe(0);
    expect(JSON.parse(resent.stdout)).toEqual({ eventId, subscriptionId: stage.subs.acme });
    await waitFor(
      'the resent event at acme',
      stage.listeners.acme,
      () => (stage.received('acme').filter((id) => id === eventId).length >= 2 ? true : undefined),
      45_000,
    );
    const acmeLines = stage.listeners.acme.lines
      .map(parseJson)
      .filter((line) => line?.id === eventId);
    expect(acmeLines.every((line) => line?.verified === true)).toBe(true);

    // The operator may not resend acme's event to globex's subscription either: "not found".
    expect(
      (await stage.as({}, ['subscriptions', 'resend', stage.subs.globex, '--event', eventId])).code,
    ).toBe(4);
    const across = await stage.as({ HOOKBRIDGE_TOKEN: tokens.globex }, [
      'subscriptions',
      'resend',
      stage.subs.globex,
      '--event',
      eventId,
      '--tenant',
      'globex',
    ]);
    expect(across.code).toBe(4);
    expect(stage.received('globex')).not.toContain(eventId);
  }, 120_000);
});
