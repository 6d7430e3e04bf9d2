import * as z from 'zod';
import { tenantIdSchema } from '../subscriptions/subscription-schema.js';
import { API_KEY_SCOPES, CAPABILITIES } from './access-types.js';

const timestamp = (what: string) => z.iso.datetime().meta({ description: what });
const nextCursor = z.string().min(1).optional().meta({
  description:
    'Pass as `cursor` to get the next page; absent on the last page. A page may be short, even empty, and still have a cursor.',
});

/** A tenant token as the API lists it (never its secret). */
export const tokenViewSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The token id (24 hex characters), as in `hbt_<id>.…`.' }),
    tenantId: tenantIdSchema.meta({ description: 'The one tenant the token reaches.' }),
    capabilities: z.array(z.enum(CAPABILITIES)).meta({
      description:
        '`read`: the tenant, its subscriptions, deliveries and events; `write`: create, change, delete subscriptions and send test events; `secrets`: show and rotate signing secrets; `resend`: resend, replay and redrive.',
    }),
    description: z
      .string()
      .optional()
      .meta({ description: 'The operator’s note, ≤ 200 characters.' }),
    createdAt: timestamp('When the token was minted.'),
    expiresAt: timestamp('When the token stops working.'),
    revokedAt: timestamp('When the token was revoked on its own.').optional(),
    status: z.enum(['active', 'expired', 'revoked']).meta({
      description:
        '`revoked`: on its own, or by revoking all the tenant’s tokens; `expired`: past `expiresAt`. Expired tokens are purged a day after.',
    }),
  })
  .meta({ description: 'A tenant token.' });

/** The answer to minting a token: the token string, shown this once. */
export const mintedTokenSchema = tokenViewSchema
  .extend({
    token: z.string().meta({
      description:
        'The token, `hbt_<id>.<secret>`: shown only now (only a hash is stored). Send it as `Authorization: Bearer <token>`; hand it over in a URL fragment, never a query string.',
    }),
  })
  .meta({ description: 'A new tenant token, with its secret.' });

export const tokenPageSchema = z
  .strictObject({ data: z.array(tokenViewSchema), nextCursor })
  .meta({ description: 'One page of a tenant’s tokens, oldest first.' });

/** An API key as the API shows it (never its secret). */
export const apiKeyViewSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The key id (24 hex characters), as in `hbk_<id>.…`.' }),
    name: z.string().meta({ description: 'What the key is for, 1–100 characters.' }),
    scope: z.enum(API_KEY_SCOPES).meta({
      description:
        '`publish`: the ingest routes only; `manage`: every route but the API-key routes.',
    }),
    tenantId: tenantIdSchema
      .optional()
      .meta({ description: 'With `publish`: every event it sends must name this tenant.' }),
    createdAt: timestamp('When the key was created.'),
    revokedAt: timestamp('When the key was revoked.').optional(),
    lastUsedAt: timestamp(
      'When the key was last accepted (to the minute: written at most once a minute).',
    ).optional(),
    status: z.enum(['active', 'revoked']).meta({ description: '`revoked` keys are refused.' }),
  })
  .meta({ description: 'An API key.' });

export const createdApiKeySchema = apiKeyViewSchema
  .extend({
    key: z.string().meta({
      description:
        'The key, `hbk_<id>.<secret>`: shown only now (only a hash is stored). Send it as `Authorization: Bearer <key>`.',
    }),
  })
  .meta({ description: 'A new API key, with its secret.' });

export const apiKeyPageSchema = z
  .strictObject({ data: z.array(apiKeyViewSchema), nextCursor })
  .meta({ description: 'One page of API keys.' });
