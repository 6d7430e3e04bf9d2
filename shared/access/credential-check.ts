import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Log } from '../observability.js';
import { TENANT_KEY_PREFIX } from '../tenants/tenant.js';
import {
  API_KEY_KEY_PREFIX,
  CONSOLE_REVOCATION_KEY,
  CONSOLE_SESSION_KEY_PREFIX,
  TOKEN_KEY_PREFIX,
} from './access-types.js';
import { type CredentialKind, parseCredential, secretMatches } from './credential-secret.js';
import type { AuthorizerContext } from './principal.js';

export interface CredentialCheckOptions {
  readonly client: DynamoDBClient;
  readonly accessTable: string;
  readonly subscriptionsTable: string;
  readonly now?: () => Date;
  readonly logger?: Log;
}

/** The outcome of a check: the context for the handlers, or why the credential was refused. */
export type CredentialCheck =
  | { readonly accepted: true; readonly context: AuthorizerContext }
  | { readonly accepted: false; readonly reason: string };

/** `lastUsedAt` is written at most once in this many milliseconds per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

type Item = Record<string, AttributeValue>;

const KEY_PREFIXES: Readonly<Record<CredentialKind, string>> = {
  token: TOKEN_KEY_PREFIX,
  'api-key': API_KEY_KEY_PREFIX,
  'console-session': CONSOLE_SESSION_KEY_PREFIX,
};

/**
 * Checks an `Authorization: Bearer <credential>` value as the Lambda authorizer does: the
 * format, the stored item (read strongly consistent, so a revocation is seen at once), the
 * secret's hash in constant time, revocation and expiry, and for a tenant's credential its
 * tenant (it exists, is `active`, and a token was created after the tenant's last
 * revoke-all), for a console session that it was created after the last revocation of all
 * sessions (both items read at once). An API key's `lastUsedAt` is refreshed at most once a minute; a failure to do
 * so is logged and never refuses the call. Written on client-dynamodb alone (no document
 * client) to keep the authorizer's bundle, and so its cold start, small.
 */
export async function checkCredential(
  authorization: string | undefined,
  options: CredentialCheckOptions,
): Promise<CredentialCheck> {
  const now = (options.now ?? (() => new Date()))();
  const bearer = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
  const presented = bearer === undefined ? undefined : parseCredential(bearer);
  if (!presented) return refused('malformed');
  const key = `${KEY_PREFIXES[presented.kind]}${presented.id}`;
  const [item, revocation] = await Promise.all([
    getItem(options, options.accessTable, key),
    presented.kind === 'console-session'
      ? getItem(options, options.accessTable, CONSOLE_REVOCATION_KEY)
      : undefined,
  ]);
  if (!item) return refused('unknown');
  if (!secretMatches(presented.secret, item.secretHash?.S)) return refused('secret mismatch');
  if (item.revokedAt?.S !== undefined) return refused('revoked');
  const tenantId = item.tenantId?.S;

  if (presented.kind === 'token') {
    const expiresAt = item.expiresAt?.S;
    const createdAt = item.createdAt?.S;
    if (!expiresAt || !createdAt || !tenantId) return refused('malformed item');
    if (Date.parse(expiresAt) <= now.getTime()) return refused('expired');
    const tenant = await activeTenant(options, tenantId, createdAt);
    if (!tenant) return refused('tenant not active');
    const revokedBefore = tenant.tokensRevokedBefore?.S;
    if (revokedBefore !== undefined && createdAt <= revokedBefore) return refused('revoked (all)');
    const capabilities = item.capabilities?.L?.flatMap((c) => (c.S ? [c.S] : [])) ?? [];
    return accepted({
      kind: 'token',
      credentialId: presented.id,
      tenantId,
      capabilities: capabilities.join(','),
      expiresAt,
    });
  }

  if (presented.kind === 'console-session') {
    const expiresAt = item.expiresAt?.S;
    const createdAt = item.createdAt?.S;
    if (!expiresAt || !createdAt || tenantId !== undefined) return refused('malformed item');
    if (Date.parse(expiresAt) <= now.getTime()) return refused('expired');
    const revokedBefore = revocation?.revokedBefore?.S;
    if (revokedBefore !== undefined && createdAt <= revokedBefore) return refused('revoked (all)');
    return accepted({ kind: 'console', credentialId: presented.id, expiresAt });
  }

  const scope = item.scope?.S;
  if (scope !== 'publish' && scope !== 'manage') return refused('malformed item');
  const keyCreatedAt = item.createdAt?.S ?? '';
  if (tenantId !== undefined && !(await activeTenant(options, tenantId, keyCreatedAt)))
    return refused('tenant not active');
  await touch(options, presented.id, item.lastUsedAt?.S, now);
  return accepted({
    kind: 'api-key',
    credentialId: presented.id,
    scope,
    ...(tenantId !== undefined && { tenantId }),
  });
}

function accepted(context: AuthorizerContext): CredentialCheck {
  return { accepted: true, context };
}

function refused(reason: string): CredentialCheck {
  return { accepted: false, reason };
}

async function getItem(
  options: CredentialCheckOptions,
  table: string,
  id: string,
): Promise<Item | undefined> {
  const { Item } = await options.client.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return Item;
}

/**
 * The tenant item if it is `active` and not younger than the credential: a tenant deleted and
 * made again under the same id is a new tenant, and the old one's credentials must not pass.
 */
async function activeTenant(
  options: CredentialCheckOptions,
  tenantId: string,
  credentialCreatedAt: string,
): Promise<Item | undefined> {
  const tenant = await getItem(
    options,
    options.subscriptionsTable,
    `${TENANT_KEY_PREFIX}${tenantId}`,
  );
  if (tenant?.status?.S !== 'active') return undefined;
  const tenantCreatedAt = tenant.createdAt?.S;
  return tenantCreatedAt !== undefined && tenantCreatedAt <= credentialCreatedAt
    ? tenant
    : undefined;
}

/** Refreshes `lastUsedAt` unless it is less than a minute old; concurrent callers race on the condition, and one wins. */
async function touch(
  options: CredentialCheckOptions,
  keyId: string,
  lastUsedAt: string | undefined,
  now: Date,
): Promise<void> {
  const threshold = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  if (lastUsedAt !== undefined && lastUsedAt > threshold) return;
  try {
    await options.client.send(
      new UpdateItemCommand({
        TableName: options.accessTable,
        Key: { id: { S: `${API_KEY_KEY_PREFIX}${keyId}` } },
        UpdateExpression: 'SET lastUsedAt = :now',
        ConditionExpression:
          'attribute_exists(id) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :threshold)',
        ExpressionAttributeValues: {
          ':now': { S: now.toISOString() },
          ':threshold': { S: threshold },
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return;
    options.logger?.warn('could not record an API key’s last use', { keyId, error });
  }
}
