import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, DevStartError, startDev } from '../../local/dev-runtime.js';

// The web app on the API's port: its headers, its client-side routes, and the line between it
// and the API, which no path may blur.

let dev: DevRuntime;
const lines: string[] = [];

beforeAll(async () => {
  dev = await startDev({
    port: 0,
    awsEndpointUrl: inject('awsEndpoint'),
    frameAncestors: 'https://app.example.com',
    log: (line) => lines.push(line),
  });
});

afterAll(() => dev?.stop());

async function get(path: string, init: RequestInit = {}) {
  const response = await fetch(`${dev.apiUrl}${path}`, init);
  return { response, text: await response.text() };
}

describe('the web app on the API port', () => {
  it('prints the console URL at start-up', () => {
    expect(dev.consoleUrl).toBe(`${dev.apiUrl}/console`);
    expect(lines.some((line) => line.includes(`${dev.apiUrl}/console`))).toBe(true);
  });

  it.each(['/', '/console', '/portal', '/portal/endpoints/sub_x/edit', '/console/tenants/acme'])(
    'serves index.html at %s, never cached, with the security headers',
    async (path) => {
      const { response, text } = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain('frame-ancestors https://app.example.com');
      expect(text).toMatch(/<script type="module" src="\/assets\/app-[A-Z0-9]+\.js"><\/script>/);
    },
  );

  it('serves the hashed assets for a year, immutable, with their types', async () => {
    const { text: html } = await get('/portal');
    const assets = [...html.matchAll(/"(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const { response } = await get(asset);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(
        asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      );
    }
  });

  it.each([
    '/assets/app-NOPE0000.js',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/assets/index.html',
  ])('answers 404 for %s, never the page or a file outside the build', async (path) => {
    const { response, text } = await get(path);
    expect(response.status).toBe(404);
    expect(text).not.toContain('<html');
    expect(text).not.toContain('"name": "hookbridge"');
  });

  it('serves no file outside the build, even for a raw path that climbs', async () => {
    for (const path of [
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/../package.json',
    ]) {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(dev.apiUrl);
        const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.body, path).not.toContain('"name": "hookbridge"');
      expect([200, 404], path).toContain(answer.status);
    }
  });

  it.each(['/v1', '/v1/', '/v1/nope', '/v1/portal', '/v1/subscriptions/x/y/z'])(
    'never answers an API path (%s) with the app',
    async (path) => {
      const { response, text } = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'not_found' } });
    },
  );

  it('refuses to change anything through the app paths', async () => {
    const { response } = await get('/console', { method: 'POST', body: 'x'.repeat(10_000) });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('keeps the API answering as before', async () => {
    const { response, text } = await get('/v1/tenants');
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toHaveProperty('data');
    expect(response.headers.get('content-security-policy')).toBeNull();
  });
});

describe('the frame-ancestors setting', () => {
  it('fails the start, before anything runs, when it would break the header', async () => {
    await expect(
      startDev({
        port: 0,
        awsEndpointUrl: inject('awsEndpoint'),
        frameAncestors: "'self'; script-src *",
      }),
    ).rejects.toThrow(DevStartError);
  });
});
