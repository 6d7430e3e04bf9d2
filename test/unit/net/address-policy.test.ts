import type { LookupOptions } from 'node:dns';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors.js';
import { AddressPolicy, DestinationRefusedError } from '../../../shared/net/address-policy.js';

const strict = new AddressPolicy({ allowHttp: true });

/** A resolver that knows only the names given, so no query leaves the machine. */
function hosts(table: Record<string, string[]>) {
  return async (host: string) => {
    const addresses = table[host];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    }
    return addresses;
  };
}

async function refusal(promise: Promise<unknown>): Promise<DestinationRefusedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DestinationRefusedError);
  return error as DestinationRefusedError;
}

const REFUSED: readonly (readonly [string, RegExp])[] = [
  ['127.0.0.1', /^127\.0\.0\.1 is a loopback address$/],
  ['::1', /^::1 is a loopback address$/],
  ['::ffff:10.0.0.1', /IPv4-mapped .* 10\.0\.0\.1 is a private address/],
  ['::ffff:7f00:1', /IPv4-mapped .* 127\.0\.0\.1 is a loopback address/],
  ['169.254.169.254', /169\.254\.169\.254 is a link-local address \(the cloud instance metadata/],
  ['169.254.1.1', /link-local/],
  ['0.0.0.0', /unspecified/],
  ['0.1.2.3', /unspecified/],
  ['::', /unspecified/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['fd00::1', /unique-local/],
  ['fd00:ec2::254', /EC2 instance metadata/],
  ['fe80::1', /link-local/],
  ['10.1.2.3', /10\.1\.2\.3 is a private address/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.168.1.1', /private/],
  ['224.0.0.1', /multicast/],
  ['ff02::1', /multicast/],
  ['255.255.255.255', /broadcast/],
  ['240.0.0.1', /reserved/],
  ['192.0.2.10', /documentation/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.9', /documentation/],
  ['2001:db8::1', /documentation/],
  ['198.18.0.1', /reserved/],
  ['64:ff9b::a00:1', /NAT64 .* 10\.0\.0\.1 is a private address/],
  ['64:ff9b:1::1', /NAT64/],
  ['2002:7f00:1::1', /6to4/],
  ['2001::1', /Teredo/],
  ['::7f00:1', /IPv4-compatible/],
  ['4000::1', /not a global unicast address/],
  ['2130706433', /^2130706433 \(127\.0\.0\.1\) is a loopback address$/],
  ['not-an-ip', /is not an IP address/],
];

describe('AddressPolicy.refusalReason', () => {
  it.each(REFUSED)('refuses %s', (address, reason) => {
    expect(strict.refusalReason(address)).toMatch(reason);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1',
    '::ffff:93.184.216.34',
    '64:ff9b::5db8:d822',
  ])('allows the public address %s', (address) => {
    expect(strict.refusalReason(address)).toBeUndefined();
  });

  it('lets allow-listed CIDRs override the refusal, and nothing else', () => {
    const local = new AddressPolicy({ allowCidrs: ['127.0.0.0/8', '::1/128', '10.20.0.0/16'] });
    expect(local.refusalReason('127.0.0.1')).toBeUndefined();
    expect(local.refusalReason('127.9.9.9')).toBeUndefined();
    expect(local.refusalReason('::1')).toBeUndefined();
    expect(local.refusalReason('::ffff:127.0.0.1')).toBeUndefined();
    expect(local.refusalReason('10.20.3.4')).toBeUndefined();
    expect(local.refusalReason('10.21.3.4')).toMatch(/private/);
    expect(local.refusalReason('169.254.169.254')).toMatch(/metadata/);
    expect(local.refusalReason('::2')).toMatch(/IPv4-compatible|global unicast/);
  });

  it('reads an IPv4-mapped allow-list entry as the IPv4 range it stands for', () => {
    const policy = new AddressPolicy({ allowCidrs: ['::ffff:192.168.0.0/112'] });
    expect(policy.refusalReason('192.168.4.4')).toBeUndefined();
    expect(policy.refusalReason('10.0.0.1')).toMatch(/private/);
  });

  it('rejects an allow-list entry that is not a CIDR at construction', () => {
    expect(() => new AddressPolicy({ allowCidrs: ['127.0.0.1'] })).toThrow(ConfigError);
    expect(() => new AddressPolicy({ allowCidrs: ['10.0.0.0/33'] })).toThrow(/10\.0\.0\.0\/33/);
  });
});

describe('AddressPolicy.checkUrl', () => {
  const noDns = hosts({});

  it.each([
    ['http://127.0.0.1/hook', /127\.0\.0\.1 is a loopback/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f000001/', /127\.0\.0\.1 is a loopback/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['http://127.1/', /127\.0\.0\.1 is a loopback/],
    ['http://0/', /0\.0\.0\.0 is an unspecified/],
    ['http://[::1]:8080/', /::1 is a loopback/],
    ['http://[::ffff:127.0.0.1]/', /127\.0\.0\.1 is a loopback/],
    ['http://[::ffff:a00:1]/', /10\.0\.0\.1 is a private/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['https://10.0.0.1/', /private/],
  ])('refuses the numeric host of %s', async (url, reason) => {
    const error = await refusal(strict.checkUrl(url, noDns));
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(error.reason);
  });

  it.each([
    ['127.0.0.1', /127\.0\.0\.1 is a loopback address \(resolved from inside\.example\)/],
    ['::1', /loopback/],
    ['::ffff:10.0.0.1', /private/],
    ['169.254.169.254', /metadata/],
    ['0.0.0.0', /unspecified/],
    ['100.64.0.1', /carrier-grade/],
    ['fd00::1', /unique-local/],
    ['fe80::1', /link-local/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['192.168.1.1', /private/],
    ['224.0.0.1', /multicast/],
  ])('refuses a name that resolves to %s', async (address, reason) => {
    const lookup = hosts({ 'inside.example': [address] });
    const error = await refusal(strict.checkUrl('https://inside.example/hook', lookup));
    expect(error.reason).toMatch(reason);
  });

  it('refuses a name if any one of its addresses is refused', async () => {
    const lookup = hosts({ 'mixed.example': ['93.184.216.34', '10.0.0.7'] });
    const error = await refusal(strict.checkUrl('https://mixed.example/', lookup));
    expect(error.reason).toMatch(
      /10\.0\.0\.7 is a private address \(resolved from mixed\.example\)/,
    );
  });

  it('accepts public destinations and returns the parsed URL', async () => {
    const lookup = hosts({ 'hooks.example': ['93.184.216.34', '2606:4700::1'] });
    const url = await strict.checkUrl('https://hooks.example/in?x=1', lookup);
    expect(url.href).toBe('https://hooks.example/in?x=1');
    await expect(strict.checkUrl('https://93.184.216.34/', noDns)).resolves.toBeInstanceOf(URL);
    await expect(strict.checkUrl('https://[2606:4700::1]/', noDns)).resolves.toBeInstanceOf(URL);
  });

  it('uses the lookup given at construction when checkUrl is given none', async () => {
    const policy = new AddressPolicy({ lookup: hosts({ 'db.internal': ['10.9.8.7'] }) });
    const error = await refusal(policy.checkUrl('https://db.internal/'));
    expect(error.reason).toMatch(/10\.9\.8\.7/);
  });

  it('refuses http unless allowHttp, and any other scheme always', async () => {
    const httpsOnly = new AddressPolicy();
    const lookup = hosts({ 'hooks.example': ['93.184.216.34'] });
    expect((await refusal(httpsOnly.checkUrl('http://hooks.example/', lookup))).reason).toMatch(
      /http URLs are not accepted; use https/,
    );
    await expect(strict.checkUrl('http://hooks.example/', lookup)).resolves.toBeInstanceOf(URL);
    expect((await refusal(strict.checkUrl('ftp://hooks.example/f', lookup))).reason).toMatch(
      /not ftp:/,
    );
    await refusal(strict.checkUrl('file:///etc/passwd', lookup));
  });

  it('refuses credentials in the URL and relative or malformed URLs', async () => {
    const lookup = hosts({ 'hooks.example': ['93.184.216.34'] });
    const error = await refusal(strict.checkUrl('https://user:pass@hooks.example/', lookup));
    expect(error.reason).toMatch(/credentials/);
    await refusal(strict.checkUrl('https://user@hooks.example/', lookup));
    expect((await refusal(strict.checkUrl('/relative/path', lookup))).reason).toMatch(
      /not an absolute URL/,
    );
    await refusal(strict.checkUrl('https://', lookup));
  });

  it('refuses a name that does not resolve, with the lookup error as cause', async () => {
    const error = await refusal(strict.checkUrl('https://nowhere.example/', noDns));
    expect(error.reason).toMatch(/nowhere\.example could not be resolved/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('honours allowCidrs for names and literals', async () => {
    const local = new AddressPolicy({ allowHttp: true, allowCidrs: ['127.0.0.0/8', '::1/128'] });
    const lookup = hosts({ 'dev.local': ['127.0.0.1', '::1'] });
    await expect(local.checkUrl('http://dev.local:3000/', lookup)).resolves.toBeInstanceOf(URL);
    await expect(local.checkUrl('http://127.0.0.1:3000/', lookup)).resolves.toBeInstanceOf(URL);
    await refusal(local.checkUrl('http://192.168.0.1/', lookup));
  });
});

describe('AddressPolicy.connectLookup', () => {
  it('fails a connection to a name that resolves to a refused address, before any packet', async () => {
    const policy = new AddressPolicy({ lookup: hosts({ 'rebound.example': ['10.0.0.5'] }) });
    const error = await new Promise<unknown>((resolve) => {
      const socket = connect({ host: 'rebound.example', port: 9, lookup: policy.connectLookup });
      socket.on('error', resolve);
      socket.on('connect', () => resolve(new Error('connected')));
    });
    expect(error).toBeInstanceOf(DestinationRefusedError);
    expect((error as DestinationRefusedError).reason).toMatch(/10\.0\.0\.5 is a private/);
  });

  it('answers node with every address, or the first of the requested family', async () => {
    const policy = new AddressPolicy({
      lookup: hosts({ 'dual.example': ['93.184.216.34', '2606:4700::1'] }),
    });
    const lookup = (options: LookupOptions) =>
      new Promise<unknown[]>((resolve, reject) =>
        policy.connectLookup('dual.example', options, (error, address, family) =>
          error ? reject(error) : resolve([address, family]),
        ),
      );
    expect(await lookup({ all: true })).toEqual([
      [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
      undefined,
    ]);
    expect(await lookup({ family: 6 })).toEqual(['2606:4700::1', 6]);
    expect(await lookup({ family: 4 })).toEqual(['93.184.216.34', 4]);
  });

  it('passes DNS failures through unchanged so they stay retryable', async () => {
    const policy = new AddressPolicy({ lookup: hosts({}) });
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      policy.connectLookup('gone.example', {}, (failure) => resolve(failure)),
    );
    expect(error).not.toBeInstanceOf(DestinationRefusedError);
    expect(error?.code).toBe('ENOTFOUND');
  });
});
