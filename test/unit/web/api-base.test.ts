import { afterEach, describe, expect, it } from 'vitest';
import { loadApiBase, requester } from '../../../web/src/api/client.js';

// Deployed, the app is on CloudFront and the token API on its own origin, named in the
// /config.json the stack writes beside the app; locally that path is the app's page.

function serving(body: string, type: string, status = 200) {
  return (async () =>
    new Response(body, { status, headers: { 'content-type': type } })) as typeof fetch;
}

afterEach(async () => {
  await loadApiBase(serving('<!doctype html>', 'text/html'));
});

describe('the API base', () => {
  it("is the deployment's token API when /config.json names one, without its trailing slash", async () => {
    const config = JSON.stringify({ apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/' });
    expect(await loadApiBase(serving(config, 'application/json'))).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com',
    );
    const urls: string[] = [];
    const request = requester({
      fetch: (async (input: string) => {
        urls.push(String(input));
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    await request('GET', ['v1', 'tenants', 'acme']);
    expect(urls).toEqual(['https://abc.execute-api.eu-west-1.amazonaws.com/v1/tenants/acme']);
  });

  it('is the same origin locally (the page, not JSON), on a failure, or for a URL that is not https', async () => {
    expect(await loadApiBase(serving('<!doctype html>', 'text/html'))).toBe('');
    expect(await loadApiBase(serving('{}', 'application/json', 404))).toBe('');
    expect(
      await loadApiBase(
        serving(JSON.stringify({ apiUrl: 'http://evil.example' }), 'application/json'),
      ),
    ).toBe('');
    expect(
      await loadApiBase(
        serving(JSON.stringify({ apiUrl: 'javascript:alert(1)' }), 'application/json'),
      ),
    ).toBe('');
    expect(
      await loadApiBase((async () => {
        throw new TypeError('offline');
      }) as typeof fetch),
    ).toBe('');
  });
});
