import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkCredential } from '../../../shared/access/credential-check.js';
import { mintCredential } from '../../../shared/access/credential-secret.js';

// The order and edges of the authorizer's checks, with an injected clock, over a small
// in-memory table (the flow against moto is in test/integration/access*.test.ts).

type Item = Record<string, AttributeValue>;
const items = new Map<string, Item>();
let updates = 0;
let failUpdates = false;

const client = {
  async send(command: unknown) {
    if (command instanceof GetItemCommand) {
      const item = items.get(`${command.input.TableName}/${command.input.Key?.id?.S}`);
      return { Item: item };
    }
    if (command instanceof UpdateItemCommand) {
      updates++;
      if (failUpdates) throw new Error('throttled');
      const key = `${command.input.TableName}/${command.input.Key?.id?.S}`;
      const item = items.get(key);
      const threshold = command.input.ExpressionAttributeValues?.[':threshold']?.S ?? '';
      const last = item?.lastUsedAt?.S;
      if (!item || (last !== undefined && last > threshold))
        throw new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
      items.set(key, {
        ...item,
        lastUsedAt: { S: command.input.ExpressionAttributeValues?.[':now']?.S ?? '' },
      });
      return {};
    }
    throw new Error('unexpected command');
  },
} as unknown as DynamoDBClient;

const T0 = Date.parse('2026-12-03T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function check(credential: string, at: number) {
  return checkCredential(`Bearer ${credential}`, {
    client,
    accessTable: 'access',
    subscriptionsTable: 'subs',
    now: () => new Date(at),
  });
}

function putTenant(id: string, extra: Item = {}) {
  items.set(`subs/tenant#${id}`, {
    id: { S: `tenant#${id}` },
    status: { S: 'active' },
    createdAt: { S: iso(T0 - 86_400_000) },
    ...extra,
  });
}

function putToken(extra: Item = {}) {
  const { id, credential, secretHash } = mintCredential('token');
  items.set(`access/token#${id}`, {
    id: { S: `token#${id}` },
    tenantId: { S: 'acme' },
    capabilities: { L: [{ S: 'read' }, { S: 'write' }] },
    createdAt: { S: iso(T0) },
    expiresAt: { S: iso(T0 + 3_600_000) },
    secretHash: { S: secretHash },
    ...extra,
  });
  return { id, credential };
}

function putKey(extra: Item = {}) {
  const { id, credential, secretHash } = mintCredential('api-key');
  items.set(`access/apikey#${id}`, {
    id: { S: `apikey#${id}` },
    scope: { S: 'publish' },
    createdAt: { S: iso(T0) },
    secretHash: { S: secretHash },
    ...extra,
  });
  return { id, credential };
}

beforeEach(() => {
  items.clear();
  updates = 0;
  failUpdates = false;
  putTenant('acme');
});

describe('checking a tenant token', () => {
  it('accepts it until its expiry, exclusive, with its tenant and capabilities', async () => {
    const { id, credential } = putToken();
    expect(await check(credential, T0 + 3_599_999)).toEqual({
      accepted: true,
      context: {
        kind: 'token',
        credentialId: id,
        tenantId: 'acme',
        capabilities: 'read,write',
        expiresAt: iso(T0 + 3_600_000),
      },
    });
    expect(await check(credential, T0 + 3_600_000)).toEqual({ accepted: false, reason: 'expired' });
  });

  it('refuses it revoked, revoked-all at or after its creation, or its tenant not active', async () => {
    expect(
      (await check(putToken({ revokedAt: { S: iso(T0 + 1) } }).credential, T0 + 2)).accepted,
    ).toBe(false);
    const { credential } = putToken();
    putTenant('acme', { tokensRevokedBefore: { S: iso(T0) } });
    expect(await check(credential, T0 + 1)).toEqual({ accepted: false, reason: 'revoked (all)' });
    putTenant('acme', { tokensRevokedBefore: { S: iso(T0 - 1) } });
    expect((await check(credential, T0 + 1)).accepted).toBe(true);
    putTenant('acme', { status: { S: 'deleting' } });
    expect(await check(credential, T0 + 1)).toEqual({
      accepted: false,
      reason: 'tenant not active',
    });
    items.delete('subs/tenant#acme');
    expect((await check(credential, T0 + 1)).accepted).toBe(false);
    // A tenant made again under the same id after the token was minted.
    putTenant('acme', { createdAt: { S: iso(T0 + 1) } });
    expect(await check(credential, T0 + 2)).toEqual({
      accepted: false,
      reason: 'tenant not active',
    });
  });

  it('refuses items it cannot read as a token, without trusting them', async () => {
    const brokenItems: Item[] = [
      { secretHash: { N: '1' } },
      { createdAt: { N: '1' } },
      { tenantId: { N: '1' } },
    ];
    for (const broken of brokenItems) {
      expect(
        (await check(putToken(broken).credential, T0 + 1)).accepted,
        JSON.stringify(broken),
      ).toBe(false);
    }
  });

  it('never reads the table for a header that is not a well-formed bearer credential', async () => {
    const { credential } = putToken();
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Basic ${credential}`,
      `Bearer ${credential} x`,
      `Bearer  ${credential}x`,
    ])
      expect(
        (
          await checkCredential(header, {
            client: {} as DynamoDBClient,
            accessTable: 'a',
            subscriptionsTable: 's',
          })
        ).accepted,
      ).toBe(false);
  });
});

describe('checking an API key', () => {
  it('records its last use at most once a minute, and never refuses for that', async () => {
    const { id, credential } = putKey();
    expect((await check(credential, T0)).accepted).toBe(true);
    expect(items.get(`access/apikey#${id}`)?.lastUsedAt?.S).toBe(iso(T0));
    expect((await check(credential, T0 + 59_999)).accepted).toBe(true);
    expect(updates).toBe(1);
    expect((await check(credential, T0 + 60_000)).accepted).toBe(true);
    expect(updates).toBe(2);
    failUpdates = true;
    expect((await check(credential, T0 + 200_000)).accepted).toBe(true);
  });

  it('refuses a revoked key, an unknown scope, and a tenant-bound key whose tenant is gone', async () => {
    expect((await check(putKey({ revokedAt: { S: iso(T0) } }).credential, T0 + 1)).accepted).toBe(
      false,
    );
    expect((await check(putKey({ scope: { S: 'admin' } }).credential, T0 + 1)).accepted).toBe(
      false,
    );
    const bound = putKey({ tenantId: { S: 'acme' } });
    expect(await check(bound.credential, T0 + 1)).toMatchObject({
      accepted: true,
      context: { tenantId: 'acme' },
    });
    putTenant('acme', { status: { S: 'deleting' } });
    expect((await check(bound.credential, T0 + 1)).accepted).toBe(false);
  });

  it('is not a token, and a token is not a key, whatever the secret', async () => {
    const token = putToken();
    const [, secret] = token.credential.split('.');
    expect((await check(`hbk_${token.id}.${secret}`, T0 + 1)).accepted).toBe(false);
  });
});
