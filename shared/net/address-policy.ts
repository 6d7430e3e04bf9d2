import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../errors.js';
import { embeddedIPv4, type IpAddress, specialRangeOf } from './special-ranges.js';

export interface AddressPolicyOptions {
  /** CIDRs (IPv4 or IPv6) whose addresses may be contacted even if special. @default [] */
  readonly allowCidrs?: readonly string[];
  /** Accept `http:` destinations as well as `https:`. @default false */
  readonly allowHttp?: boolean;
  /**
   * Resolves a host name to every address it has; used by `checkUrl` (unless it is given one)
   * and by `connectLookup`. Tests inject one so that no query leaves the machine.
   * @default node:dns/promises lookup with { all: true }
   */
  readonly lookup?: (host: string) => Promise<string[]>;
}

/** A destination the SSRF guard will not contact; never worth retrying as is. */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';

  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`destination refused: ${reason}`, options);
  }
}

const defaultLookup = async (host: string): Promise<string[]> =>
  (await dnsLookup(host, { all: true })).map((entry) => entry.address);

/**
 * The SSRF guard of DESIGN §3: decides which URLs and addresses outbound deliveries may reach.
 * Special-purpose addresses (loopback, private, link-local, CGNAT, unique-local, multicast,
 * reserved, unspecified, documentation, and IPv4 forms embedded in IPv6) are refused unless an
 * allow-listed CIDR contains them.
 */
export class AddressPolicy {
  private readonly allow: readonly (readonly [IpAddress, number])[];
  private readonly allowHttp: boolean;
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(options: AddressPolicyOptions = {}) {
    this.allow = (options.allowCidrs ?? []).map(parseAllowCidr);
    this.allowHttp = options.allowHttp ?? false;
    this.resolve = options.lookup ?? defaultLookup;
  }

  /** undefined when the address may be contacted, else a human reason like "127.0.0.1 is a loopback address". */
  refusalReason(address: string): string | undefined {
    let parsed: IpAddress;
    try {
      parsed = ipaddr.parse(address);
    } catch {
      return `${address} is not an IP address`;
    }
    const canonical = parsed.toString();
    return this.judge(canonical === address ? address : `${address} (${canonical})`, parsed);
  }

  /**
   * Checks everything about a URL that needs no DNS: absolute, https (http only if allowed), no
   * credentials, a host. Throws DestinationRefusedError; returns the parsed URL.
   */
  parseUrl(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new DestinationRefusedError(`${JSON.stringify(url)} is not an absolute URL`, {
        cause: error,
      });
    }
    if (parsed.protocol === 'http:' && !this.allowHttp) {
      throw new DestinationRefusedError('http URLs are not accepted; use https');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      const accepted = this.allowHttp ? 'https and http' : 'https';
      throw new DestinationRefusedError(
        `only ${accepted} URLs are accepted, not ${parsed.protocol}`,
      );
    }
    if (parsed.username !== '' || parsed.password !== '') {
      throw new DestinationRefusedError('URLs with credentials (user:password@) are not accepted');
    }
    if (bareHost(parsed.hostname) === '') {
      throw new DestinationRefusedError('the URL has no host');
    }
    return parsed;
  }

  /** Parses and checks a destination URL: absolute, https (http only if allowHttp), no credentials; a literal IP host is checked directly; a name is resolved (all addresses, via the injectable lookup, default node:dns/promises lookup {all:true}) and refused if ANY address is refused. Throws DestinationRefusedError with a clear reason; resolves to the URL. */
  async checkUrl(url: string, lookup?: (host: string) => Promise<string[]>): Promise<URL> {
    const parsed = this.parseUrl(url);
    // The WHATWG parser has already turned decimal, hex, octal and shortened IPv4 into dotted form.
    const host = bareHost(parsed.hostname);
    if (isIP(host) !== 0) {
      const reason = this.refusalReason(host);
      if (reason !== undefined) throw new DestinationRefusedError(reason);
      return parsed;
    }
    let addresses: string[];
    try {
      addresses = await (lookup ?? this.resolve)(host);
    } catch (error) {
      throw new DestinationRefusedError(`${host} could not be resolved`, { cause: error });
    }
    this.assertAllAllowed(host, addresses);
    return parsed;
  }

  /** A `lookup` function for node's net/tls connect (and undici's connector) that resolves, checks every address at connect time, and fails with DestinationRefusedError (so DNS rebinding cannot slip through). */
  readonly connectLookup: LookupFunction = (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    this.resolve(hostname)
      .then((all) => {
        this.assertAllAllowed(hostname, all);
        const addresses = all
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => entry.family !== 0 && (!family || entry.family === family));
        const first = addresses[0];
        if (first === undefined) throw notFound(hostname);
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, ''));
  };

  private assertAllAllowed(host: string, addresses: readonly string[]): void {
    if (addresses.length === 0) throw new DestinationRefusedError(`${host} has no addresses`);
    for (const address of addresses) {
      const reason = this.refusalReason(address);
      if (reason !== undefined) {
        throw new DestinationRefusedError(`${reason} (resolved from ${host})`);
      }
    }
  }

  private judge(label: string, address: IpAddress): string | undefined {
    if (this.allows(address)) return undefined;
    const embedded = embeddedIPv4(address);
    if (embedded !== undefined) {
      const inner = this.judge(embedded.ipv4.toString(), embedded.ipv4);
      return inner && `${label} is ${embedded.form} IPv6 address and ${inner}`;
    }
    const range = specialRangeOf(address);
    return range && `${label} is ${range}`;
  }

  private allows(address: IpAddress): boolean {
    return this.allow.some(
      ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
    );
  }
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** An allow-list entry; an IPv4-mapped IPv6 CIDR is turned into the IPv4 CIDR it stands for. */
function parseAllowCidr(cidr: string): readonly [IpAddress, number] {
  let network: IpAddress;
  let bits: number;
  try {
    [network, bits] = ipaddr.parseCIDR(cidr);
  } catch (error) {
    throw new ConfigError(`allow-list entry ${JSON.stringify(cidr)} is not a CIDR`, {
      cause: error,
    });
  }
  if (network.kind() === 'ipv6' && bits >= 96 && (network as ipaddr.IPv6).isIPv4MappedAddress()) {
    return [(network as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [network, bits];
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  return Object.assign(error, { hostname });
}
