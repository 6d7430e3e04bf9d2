import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/run-cli.js';
import { createSigV4Signer, regionFromHost } from '../../../cli/sigv4-signer.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const now = () => new Date('2024-05-01T12:34:56Z');

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data).digest();
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * SigV4 written out from the AWS specification, independently of @smithy/signature-v4: what
 * API Gateway computes to check a request. `headers` are the request's headers as received.
 */
function expectedSignature(request: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  signedHeaders: string[];
  body: string;
  amzDate: string;
  region: string;
}): string {
  const day = request.amzDate.slice(0, 8);
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const canonicalQuery = [...request.query]
    .map(([k, v]): [string, string] => [rfc3986(k), rfc3986(v)])
    .sort(([a, x], [b, y]) => byCodePoint(a, b) || byCodePoint(x, y))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = request.signedHeaders
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery,
    canonicalHeaders,
    request.signedHeaders.join(';'),
    sha256(request.body),
  ].join('\n');
  const scope = `${day}/${request.region}/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', request.amzDate, scope, sha256(canonicalRequest)].join(
    '\n',
  );
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [request.region, 'execute-api', 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

function parseAuthorization(value: string | undefined) {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      value ?? '',
    );
  if (!match) throw new Error(`not a SigV4 Authorization header: ${value}`);
  return { credential: match[1], signedHeaders: (match[2] ?? '').split(';'), signature: match[3] };
}

describe('SigV4 signing', () => {
  it('signs for execute-api in the region, with the fixed clock, over host and the body hash', async () => {
    const sign = createSigV4Signer({ region: 'eu-west-1', credentials, now });
    const url = new URL(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/subscriptions?limit=10&cursor=a%2Bb',
    );
    const body = '{"status":"paused"}';
    const headers = await sign({
      method: 'PATCH',
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    });

    expect(headers['x-amz-date']).toBe('20240501T123456Z');
    expect(headers['x-amz-content-sha256']).toBe(sha256(body));
    expect(headers).not.toHaveProperty('host');
    const auth = parseAuthorization(headers.authorization);
    expect(auth.credential).toBe('AKIDEXAMPLE/20240501/eu-west-1/execute-api/aws4_request');
    expect(auth.signedHeaders).toEqual([
      'accept',
      'content-type',
      'host',
      'x-amz-content-sha256',
      'x-amz-date',
    ]);
    expect(auth.signature).toBe(
      expectedSignature({
        method: 'PATCH',
        path: '/prod/v1/subscriptions',
        query: url.searchParams,
        headers: { ...headers, host: url.host },
        signedHeaders: auth.signedHeaders,
        body,
        amzDate: '20240501T123456Z',
        region: 'eu-west-1',
      }),
    );
  });

  it('signs the session token of temporary credentials', async () => {
    const sign = createSigV4Signer({
      region: 'us-east-1',
      credentials: async () => ({ ...credentials, sessionToken: 'session-token' }),
      now,
    });
    const headers = await sign({
      method: 'GET',
      url: new URL('https://api.example.com/v1/subscriptions'),
      headers: {},
    });
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(parseAuthorization(headers.authorization).signedHeaders).toContain(
      'x-amz-security-token',
    );
  });

  it('finds the region in an execute-api host name', () => {
    expect(regionFromHost('abc123.execute-api.ap-southeast-2.amazonaws.com')).toBe(
      'ap-southeast-2',
    );
    expect(regionFromHost('hooks.example.com')).toBeUndefined();
  });
});

const run_ = promisify(execFile);

describe('the CLI signs what it sends', () => {
  let server: Server;
  let endpoint: string;
  const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] =
    [];
  const saved = { ...process.env };

  beforeAll(async () => {
    // The standard credential chain reads the environment first.
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"evt_1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    process.env = saved;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const run = (args: string[]) =>
    runCli(args, {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      cwd: process.cwd(),
      signal: new AbortController().signal,
    });

  it('with --sigv4, the request as received carries a signature a verifier accepts', async () => {
    received.length = 0;
    const code = await run([
      '--endpoint',
      endpoint,
      '--sigv4',
      '--region',
      'us-west-2',
      'send',
      'order.created',
      '--data',
      '{"id":1}',
    ]);
    expect(code).toBe(0);
    const request = received[0];
    if (!request) throw new Error('no request received');
    const auth = parseAuthorization(request.headers.authorization);
    expect(auth.credential).toMatch(/^AKIDEXAMPLE\/\d{8}\/us-west-2\/execute-api\/aws4_request$/);
    expect(auth.signedHeaders).toContain('host');
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    expect(auth.signature).toBe(
      expectedSignature({
        method: request.method,
        path: request.url,
        query: new URLSearchParams(),
        headers,
        signedHeaders: auth.signedHeaders,
        body: request.body,
        amzDate: headers['x-amz-date'] ?? '',
        region: 'us-west-2',
      }),
    );
  });

  it('the compiled CLI (bin/hookbridge.js, as users run it) signs the same way', async () => {
    received.length = 0;
    const { stdout } = await run_(
      process.execPath,
      [
        fileURLToPath(new URL('../../../bin/hookbridge.js', import.meta.url)),
        '--endpoint',
        endpoint,
        '--sigv4',
        '--region',
        'us-west-2',
        'send',
        'order.created',
      ],
      { env: { ...process.env, HOOKBRIDGE_API_KEY: '', HOOKBRIDGE_TOKEN: '' } },
    );
    expect(stdout).toContain('evt_1');
    const auth = parseAuthorization(received[0]?.headers.authorization);
    expect(auth.credential).toMatch(/^AKIDEXAMPLE\/\d{8}\/us-west-2\/execute-api\/aws4_request$/);
  });

  it('does not sign requests to the local runtime', async () => {
    received.length = 0;
    expect(await run(['--endpoint', endpoint, 'send', 'order.created'])).toBe(0);
    expect(received[0]?.headers.authorization).toBeUndefined();
  });

  it('needs a region to sign', async () => {
    expect(await run(['--endpoint', endpoint, '--sigv4', 'send', 'x'])).toBe(2);
  });
});
