import * as z from 'zod';
import { metadataSchema, tenantIdSchema } from '../subscriptions/subscription-schema.js';

const nameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

/** The body of `POST /v1/tenants`: the caller picks the id (its own customer id). */
export const createTenantSchema = z.strictObject({
  id: tenantIdSchema,
  name: nameSchema,
  metadata: metadataSchema.optional(),
});

/** The body of `PATCH /v1/tenants/{tenantId}`: name and metadata (`null` removes it); the id is fixed. */
export const updateTenantSchema = z
  .strictObject({ name: nameSchema, metadata: metadataSchema.nullable() })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

export type CreateTenantInput = z.infer<typeof createTenantSchema>;
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;
