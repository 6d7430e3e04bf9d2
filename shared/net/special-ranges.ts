import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * What each ipaddr.js range name means, phrased to finish "<address> is …". A name that is not
 * listed (a range added by a later ipaddr.js) is still refused, with a generic phrase.
 */
const RANGE_PHRASES: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT (shared, 100.64.0.0/10) address',
  uniqueLocal: 'a unique-local address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  unspecified: "an unspecified ('this network') address",
  broadcast: 'a broadcast address',
  benchmarking: 'a benchmarking address',
  rfc6145: 'an IPv4-translated (RFC 6145) address',
  rfc6052: 'a local-use NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  ipv4Mapped: 'an IPv4-mapped address',
};

/**
 * Ranges ipaddr.js does not name precisely enough, checked before its own classification so the
 * reason is specific.
 */
const EXPLICIT_RANGES: readonly (readonly [IpAddress, number, string])[] = [
  ['169.254.169.254/32', 'a link-local address (the cloud instance metadata service)'],
  ['fd00:ec2::254/128', 'a unique-local address (the EC2 instance metadata service)'],
  ['192.0.2.0/24', 'a documentation address (TEST-NET-1)'],
  ['198.51.100.0/24', 'a documentation address (TEST-NET-2)'],
  ['203.0.113.0/24', 'a documentation address (TEST-NET-3)'],
  ['2001:db8::/32', 'a documentation address'],
  ['3fff::/20', 'a documentation address'],
].map(([cidr, phrase]) => {
  const [network, bits] = ipaddr.parseCIDR(cidr as string);
  return [network, bits, phrase as string] as const;
});

/** Everything globally routable in IPv6 today lies in 2000::/3 (RFC 4291 §2.4). */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** The deprecated IPv4-compatible form (RFC 4291 §2.5.5.1), which ipaddr.js calls unicast. */
const IPV4_COMPATIBLE_V6 = ipaddr.parseCIDR('::/96');

/** The NAT64 well-known prefix (RFC 6052): DNS64 maps public IPv4 hosts into it. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * The IPv4 address an IPv6 address stands for when the network will translate it to that IPv4
 * address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), with the form's name, so the
 * policy judges the IPv4 address the packets will reach; undefined for other addresses.
 */
export function embeddedIPv4(
  address: IpAddress,
): { readonly ipv4: ipaddr.IPv4; readonly form: string } | undefined {
  if (address.kind() !== 'ipv6') return undefined;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return { ipv4: v6.toIPv4Address(), form: 'an IPv4-mapped' };
  if (v6.match(NAT64_WELL_KNOWN)) {
    const bytes = v6.toByteArray().slice(12);
    return { ipv4: new ipaddr.IPv4(bytes), form: 'a NAT64' };
  }
  return undefined;
}

/**
 * The special-purpose range an address belongs to, phrased to finish "<address> is …"
 * (e.g. "a loopback address"), or undefined for an ordinary globally routable address.
 * Default-deny: any range ipaddr.js names other than `unicast` counts, and so does IPv6 outside
 * 2000::/3. Embedded IPv4 forms are not unwrapped here; see {@link embeddedIPv4}.
 */
export function specialRangeOf(address: IpAddress): string | undefined {
  for (const [network, bits, phrase] of EXPLICIT_RANGES) {
    if (network.kind() === address.kind() && address.match(network, bits)) return phrase;
  }
  const range = address.range();
  if (range !== 'unicast') {
    return RANGE_PHRASES[range] ?? `a special-purpose address (${range})`;
  }
  if (address.kind() === 'ipv6') {
    if (address.match(IPV4_COMPATIBLE_V6)) return 'an IPv4-compatible (deprecated) address';
    if (!address.match(GLOBAL_UNICAST_V6)) return 'not a global unicast address';
  }
  return undefined;
}
