import * as z from 'zod';
import { tenantIdSchema } from '../subscriptions/subscription-schema.js';
import { API_KEY_SCOPES, CAPABILITIES } from './access-types.js';

export const MIN_TOKEN_TTL_SECONDS = 300;
export const MAX_TOKEN_TTL_SECONDS = 604_800;
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** The body of `POST /v1/tenants/{tenantId}/tokens`. */
export const createTokenSchema = z.strictObject({
  ttlSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_TOKEN_TTL_SECONDS, `must be at least ${MIN_TOKEN_TTL_SECONDS} seconds`)
    .max(MAX_TOKEN_TTL_SECONDS, `must be at most ${MAX_TOKEN_TTL_SECONDS} seconds (7 days)`)
    .default(DEFAULT_TOKEN_TTL_SECONDS),
  capabilities: z
    .array(z.enum(CAPABILITIES, { error: `must be one of ${CAPABILITIES.join(', ')}` }), {
      error: 'must be an array of capabilities',
    })
    .min(1, 'must name at least one capability')
    .max(CAPABILITIES.length, 'must not repeat a capability')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a capability')
    .default(['read']),
  description: z
    .string({ error: 'must be a string' })
    .max(200, 'must be at most 200 characters')
    .optional(),
});

const nameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

/** The body of `POST /v1/api-keys`: a tenant only with `publish` (a key that publishes for one tenant). */
export const createApiKeySchema = z
  .strictObject({
    name: nameSchema,
    scope: z.enum(API_KEY_SCOPES, {
      error: (issue) =>
        issue.input === undefined ? 'is required' : `must be one of ${API_KEY_SCOPES.join(', ')}`,
    }),
    tenantId: tenantIdSchema.optional(),
  })
  .refine((key) => key.tenantId === undefined || key.scope === 'publish', {
    path: ['tenantId'],
    message: 'is allowed only with scope publish',
  });

export const MIN_CONSOLE_SESSION_SECONDS = 300;
export const MAX_CONSOLE_SESSION_SECONDS = 43_200;
export const DEFAULT_CONSOLE_SESSION_SECONDS = 3600;

/** The body of `POST /v1/console-sessions` (may be absent: the defaults). */
export const createConsoleSessionSchema = z.strictObject({
  lifetimeSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_CONSOLE_SESSION_SECONDS, `must be at least ${MIN_CONSOLE_SESSION_SECONDS} seconds`)
    .max(
      MAX_CONSOLE_SESSION_SECONDS,
      `must be at most ${MAX_CONSOLE_SESSION_SECONDS} seconds (12 hours)`,
    )
    .default(DEFAULT_CONSOLE_SESSION_SECONDS),
});

export type CreateConsoleSessionInput = z.infer<typeof createConsoleSessionSchema>;
export type CreateTokenInput = z.infer<typeof createTokenSchema>;
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;
