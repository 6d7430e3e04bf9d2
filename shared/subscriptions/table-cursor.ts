import { ValidationError } from '../errors.js';
import { EVENT_TYPE_KEY_PREFIX } from '../event-types/event-type.js';
import { isEventTypeName } from '../event-types/event-type-name.js';
import { TENANT_ID_PATTERN, TENANT_KEY_PREFIX } from '../tenants/tenant.js';
import { isSubscriptionId } from './subscription.js';

// The subscriptions table holds subscriptions (`id` = `sub_…`), tenants (`id` =
// `tenant#<tenantId>`) and the event type catalog (`eventtype#<name>`); a filtered scan can
// stop on any kind, so a cursor may name any.
export { TENANT_KEY_PREFIX };

/** Encodes a scan's LastEvaluatedKey as an opaque cursor. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor this API returned into a start key, or throws a 400 `invalid_cursor`: only a
 * well-formed key of this table is passed on, since DynamoDB answers an empty or malformed
 * start key with an error (a 500).
 */
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && typeof key.id === 'string') {
      const id: string = key.id;
      if (isSubscriptionId(id)) return { id };
      if (
        id.startsWith(TENANT_KEY_PREFIX) &&
        TENANT_ID_PATTERN.test(id.slice(TENANT_KEY_PREFIX.length))
      )
        return { id };
      if (
        id.startsWith(EVENT_TYPE_KEY_PREFIX) &&
        isEventTypeName(id.slice(EVENT_TYPE_KEY_PREFIX.length))
      )
        return { id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    'cursor: is not a cursor this API returned',
    undefined,
    'invalid_cursor',
  );
}

/**
 * Decodes a cursor of one tenant's list (a key of the `byTenant` index) into a start key, or
 * throws a 400 `invalid_cursor`: it must hold exactly a subscription id and `tenantId`, and
 * that tenant must be the one listed, so a cursor cannot carry a request into another
 * tenant's partition.
 */
export function decodeTenantCursor(cursor: string, tenantId: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof key === 'object' &&
      key !== null &&
      Object.keys(key).length === 2 &&
      typeof key.id === 'string' &&
      isSubscriptionId(key.id) &&
      key.tenantId === tenantId
    )
      return { id: key.id, tenantId };
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    'cursor: is not a cursor this API returned for this tenant',
    undefined,
    'invalid_cursor',
  );
}
