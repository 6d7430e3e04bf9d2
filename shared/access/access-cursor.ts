import { ValidationError } from '../errors.js';
import { isTenantId } from '../tenants/tenant.js';
import { API_KEY_KEY_PREFIX, TOKEN_KEY_PREFIX } from './access-types.js';
import { isCredentialId } from './credential-secret.js';

const KEY_PREFIXES = [TOKEN_KEY_PREFIX, API_KEY_KEY_PREFIX];

const INVALID = () =>
  new ValidationError('cursor: is not a cursor this API returned', undefined, 'invalid_cursor');

/** Encodes a LastEvaluatedKey of the access table (or its index) as an opaque cursor. */
export function encodeAccessCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor into a start key, or throws a 400 `invalid_cursor`. Only keys of the
 * expected shape pass: with `tenantId`, a `byTenant` index key of exactly that tenant's
 * partition (a cursor naming another tenant is refused, so it cannot page through someone
 * else's tokens); without it, a table key (the scan of API keys may stop on a token's).
 */
export function decodeAccessCursor(cursor: string, tenantId?: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw INVALID();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw INVALID();
  const { id, tenantId: keyTenant, createdAt, ...rest } = key as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw INVALID();
  const prefix = typeof id === 'string' ? KEY_PREFIXES.find((p) => id.startsWith(p)) : undefined;
  if (typeof id !== 'string' || !prefix || !isCredentialId(id.slice(prefix.length)))
    throw INVALID();
  if (tenantId === undefined) {
    if (keyTenant !== undefined || createdAt !== undefined) throw INVALID();
    return { id };
  }
  if (keyTenant !== tenantId || !isTenantId(keyTenant)) throw INVALID();
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) throw INVALID();
  return { id, tenantId, createdAt };
}
