/**
 * A resolver for tests: names under `.test` resolve to fixed addresses, so the SSRF guard is
 * exercised without any query leaving the machine. Unknown names fail like NXDOMAIN.
 */
export const TEST_HOSTS: Record<string, string[]> = {
  'hooks.example.test': ['93.184.216.34'],
  'other.example.test': ['93.184.216.35'],
  'v6.example.test': ['2606:4700::1'],
  'internal.example.test': ['10.0.0.5'],
  'metadata.example.test': ['169.254.169.254'],
  'mixed.example.test': ['93.184.216.34', '192.168.1.10'],
  'loopback.example.test': ['127.0.0.1'],
};

export async function fakeLookup(host: string): Promise<string[]> {
  const addresses = TEST_HOSTS[host];
  if (!addresses)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses;
}
