import { NotFoundError } from '../errors.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import type {
  CreateApiKeyInput,
  CreateConsoleSessionInput,
  CreateTokenInput,
} from './access-schema.js';
import type { AccessPage, AccessStore } from './access-store.js';
import {
  type ApiKey,
  type ApiKeyView,
  type ConsoleSessionView,
  type TenantTokenView,
  toApiKeyView,
  toConsoleSessionView,
  toTokenView,
} from './access-types.js';
import { mintCredential } from './credential-secret.js';

export interface AccessServiceOptions {
  readonly store: AccessStore;
  readonly tenants: TenantService;
  readonly tenantStore: TenantStore;
  readonly now?: () => Date;
}

/**
 * The operator's use cases for tenant tokens, API keys and console sessions: minting (the credential is in the
 * answer once and nowhere else), listing, and revoking one or, for tokens, all of a tenant's
 * at once. Checking a credential at request time is the authorizer's (credential-check.ts).
 */
export class AccessService {
  private readonly now: () => Date;

  constructor(private readonly options: AccessServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Mints a token for an active tenant: 404 if it does not exist, 409 if it is being deleted. */
  async mintToken(
    tenantId: string,
    input: CreateTokenInput,
  ): Promise<TenantTokenView & { token: string }> {
    await this.options.tenants.active(tenantId);
    const now = this.now();
    const { id, credential, secretHash } = mintCredential('token');
    const token = {
      id,
      tenantId,
      capabilities: input.capabilities,
      ...(input.description !== undefined && { description: input.description }),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000).toISOString(),
      secretHash,
    };
    await this.options.store.putToken(token);
    return { ...toTokenView(token, now), token: credential };
  }

  /** A page of the tenant's tokens, each flagged active, expired or revoked; 404 for an unknown tenant. */
  async listTokens(
    tenantId: string,
    options: { limit: number; cursor?: string },
  ): Promise<AccessPage<TenantTokenView>> {
    const tenant = await this.options.tenants.get(tenantId);
    const page = await this.options.store.listTokens(tenantId, options);
    const now = this.now();
    return {
      items: page.items.map((t) => toTokenView(t, now, tenant)),
      ...(page.nextCursor && { nextCursor: page.nextCursor }),
    };
  }

  /** Revokes one token; 404 when the tenant has no token of that id (another tenant's included). */
  async revokeToken(tenantId: string, tokenId: string): Promise<void> {
    await this.options.tenants.get(tenantId);
    if (!(await this.options.store.revokeToken(tenantId, tokenId, this.now().toISOString())))
      throw new NotFoundError(`tenant ${tenantId} has no token ${tokenId}`);
  }

  /**
   * Revokes every token of the tenant in one write: the tenant's `tokensRevokedBefore` is set
   * to now, and the authorizer refuses any token created at or before it.
   */
  async revokeAllTokens(tenantId: string): Promise<void> {
    const tenant = await this.options.tenants.get(tenantId);
    await this.options.tenantStore.save(tenant, { tokensRevokedBefore: this.now().toISOString() });
  }

  /** Mints an API key; a tenant-bound publish key needs an existing, active tenant. */
  async createApiKey(input: CreateApiKeyInput): Promise<ApiKeyView & { key: string }> {
    if (input.tenantId !== undefined) await this.options.tenants.active(input.tenantId);
    const { id, credential, secretHash } = mintCredential('api-key');
    const key: ApiKey = {
      id,
      name: input.name,
      scope: input.scope,
      ...(input.tenantId !== undefined && { tenantId: input.tenantId }),
      createdAt: this.now().toISOString(),
      secretHash,
    };
    await this.options.store.putApiKey(key);
    return { ...toApiKeyView(key), key: credential };
  }

  async listApiKeys(options: { limit: number; cursor?: string }): Promise<AccessPage<ApiKeyView>> {
    const page = await this.options.store.listApiKeys(options);
    return {
      items: page.items.map(toApiKeyView),
      ...(page.nextCursor && { nextCursor: page.nextCursor }),
    };
  }

  async getApiKey(id: string): Promise<ApiKeyView> {
    const key = await this.options.store.getApiKey(id);
    if (!key) throw new NotFoundError(`API key ${id} does not exist`);
    return toApiKeyView(key);
  }

  async revokeApiKey(id: string): Promise<void> {
    if (!(await this.options.store.revokeApiKey(id, this.now().toISOString())))
      throw new NotFoundError(`API key ${id} does not exist`);
  }

  /** Mints a console session: a credential for the operator's web console, valid `lifetimeSeconds`. */
  async mintConsoleSession(
    input: CreateConsoleSessionInput,
  ): Promise<ConsoleSessionView & { token: string }> {
    const now = this.now();
    const { id, credential, secretHash } = mintCredential('console-session');
    const session = {
      id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.lifetimeSeconds * 1000).toISOString(),
      secretHash,
    };
    await this.options.store.putConsoleSession(session);
    return { ...toConsoleSessionView(session, now, undefined), token: credential };
  }

  async listConsoleSessions(options: {
    limit: number;
    cursor?: string;
  }): Promise<AccessPage<ConsoleSessionView>> {
    const [page, revokedBefore] = await Promise.all([
      this.options.store.listConsoleSessions(options),
      this.options.store.consoleSessionsRevokedBefore(),
    ]);
    const now = this.now();
    return {
      items: page.items.map((s) => toConsoleSessionView(s, now, revokedBefore)),
      ...(page.nextCursor && { nextCursor: page.nextCursor }),
    };
  }

  async revokeConsoleSession(id: string): Promise<void> {
    if (!(await this.options.store.revokeConsoleSession(id, this.now().toISOString())))
      throw new NotFoundError(`console session ${id} does not exist`);
  }

  /** Revokes every console session at once; sessions minted afterwards work. */
  async revokeAllConsoleSessions(): Promise<void> {
    await this.options.store.revokeConsoleSessionsBefore(this.now().toISOString());
  }
}
