import type { Command } from 'commander';
import type { RouteAccess } from './cli-context.js';
import { pathSegment } from './path-segment.js';

/**
 * The API path of the subscriptions the command addresses: the tenant's own routes when
 * `--tenant` was given (on the command or the `subscriptions` group), the operator's otherwise.
 * With a tenant, a subscription of another tenant answers 404, as on the API.
 */
export function subscriptionsPath(command: Command, id?: string, rest = ''): string {
  const { tenant } = command.optsWithGlobals<{ tenant?: string }>();
  const base =
    tenant === undefined
      ? '/v1/subscriptions'
      : `/v1/tenants/${pathSegment(tenant, '--tenant')}/subscriptions`;
  return id === undefined ? base : `${base}/${pathSegment(id, 'subscription id')}${rest}`;
}

/**
 * Who may call the routes subscriptionsPath chose: with `--tenant`, the tenant's own routes,
 * which its token reaches; without, the operator's.
 */
export function subscriptionsAccess(command: Command): RouteAccess {
  return command.optsWithGlobals<{ tenant?: string }>().tenant === undefined
    ? 'tenant-omitted'
    : 'tenant';
}
