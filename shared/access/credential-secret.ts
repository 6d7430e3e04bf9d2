import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Credentials are `<prefix><id>.<secret>`: a kind tag (`hbt_` a tenant token, `hbk_` an API
 * key, `hbc_` an operator's console session), 24 hex characters of id, and 43 base64url characters of secret (32 random bytes, 256
 * bits). Every character is unreserved in a URL, so a token survives a URL fragment verbatim.
 * Only the SHA-256 of the secret is stored: a secret of 256 random bits needs no salt or slow
 * hash, since it cannot be guessed from its hash faster than by brute force.
 */
export const CREDENTIAL_PREFIXES = {
  token: 'hbt_',
  'api-key': 'hbk_',
  'console-session': 'hbc_',
} as const;

export type CredentialKind = keyof typeof CREDENTIAL_PREFIXES;

const ID_PATTERN = /^[0-9a-f]{24}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SECRET_BYTES = 32;

/** A credential as presented: its kind, id and secret (not yet checked against the store). */
export interface PresentedCredential {
  readonly kind: CredentialKind;
  readonly id: string;
  readonly secret: string;
}

/** A freshly minted credential: the string shown once, and what is stored of it. */
export interface MintedCredential {
  readonly id: string;
  readonly credential: string;
  readonly secretHash: string;
}

/**
 * Mints a credential of `kind`: a random id and a 256-bit secret from the system CSPRNG. The
 * returned `credential` is shown to the caller once; only `secretHash` is stored.
 */
export function mintCredential(kind: CredentialKind): MintedCredential {
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return {
    id,
    credential: `${CREDENTIAL_PREFIXES[kind]}${id}.${secret}`,
    secretHash: hashSecret(secret),
  };
}

/**
 * Splits a presented credential into kind, id and secret, or answers undefined for anything
 * that is not exactly one of the formats above (wrong prefix, truncated, padded, extra
 * characters): such a string is refused without a read.
 */
export function parseCredential(value: string): PresentedCredential | undefined {
  for (const [kind, prefix] of Object.entries(CREDENTIAL_PREFIXES) as [CredentialKind, string][]) {
    if (!value.startsWith(prefix)) continue;
    const [id = '', secret = '', ...rest] = value.slice(prefix.length).split('.');
    if (rest.length > 0 || !ID_PATTERN.test(id) || !SECRET_PATTERN.test(secret)) return undefined;
    return { kind, id, secret };
  }
  return undefined;
}

/** The stored form of a secret: its SHA-256, base64url. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/**
 * Whether `secret` hashes to `storedHash`, compared in constant time so the answer's timing
 * tells nothing of how much of the hash matched. A malformed stored hash never matches.
 */
export function secretMatches(secret: string, storedHash: unknown): boolean {
  if (typeof storedHash !== 'string') return false;
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = Buffer.from(hashSecret(secret), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether a string is a credential id as minted (24 lowercase hex characters). */
export function isCredentialId(value: string): boolean {
  return ID_PATTERN.test(value);
}
