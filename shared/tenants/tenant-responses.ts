import * as z from 'zod';
import { metadataSchema, tenantIdSchema } from '../subscriptions/subscription-schema.js';
import { TENANT_STATUSES } from './tenant.js';

/** Descriptions of tenant fields, shared by the request and the response schemas. */
export const TENANT_FIELD_DESCRIPTIONS = {
  id: 'Chosen by the caller (e.g. its own customer id): 1–64 characters, an ASCII letter or digit first, then letters, digits, `_`, `.` and `-`. Case matters. Cannot be changed.',
  name: 'A display name, 1–200 characters.',
  metadata: 'Up to 50 string keys (≤ 64 characters) to string values (≤ 512 characters).',
  status:
    '`active`, or `deleting` (its subscriptions are being deleted; the reconciler finishes the job).',
} as const;

const D = TENANT_FIELD_DESCRIPTIONS;
const timestamp = (what: string) => z.iso.datetime().meta({ description: what });

/** A tenant as the API shows it. */
export const tenantViewSchema = z
  .strictObject({
    id: tenantIdSchema.meta({ description: D.id }),
    name: z.string().meta({ description: D.name }),
    metadata: metadataSchema.optional().meta({ description: D.metadata }),
    status: z.enum(TENANT_STATUSES).meta({ description: D.status }),
    createdAt: timestamp('When the tenant was created.'),
    updatedAt: timestamp('When the tenant last changed.'),
  })
  .meta({ description: 'A tenant: one customer of the operator, with subscriptions of its own.' });

/** The answer to `GET /v1/tenants`. */
export const tenantPageSchema = z
  .strictObject({
    data: z.array(tenantViewSchema),
    nextCursor: z.string().min(1).optional().meta({
      description:
        'Pass as `cursor` to get the next page; absent on the last page. A page may hold fewer tenants than `limit`, even none, and still have a cursor.',
    }),
  })
  .meta({ description: 'One page of tenants.' });
