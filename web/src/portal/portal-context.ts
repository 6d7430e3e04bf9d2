import type { TenantApi } from '../api/client.js';
import type { Capability } from '../api/types.js';
import type { PortalSession } from './portal-session.js';

/** What every portal screen gets: the tenant's API, and which controls the session may show. */
export interface PortalContext {
  readonly api: TenantApi;
  readonly session: PortalSession;
  can(capability: Capability): boolean;
}
