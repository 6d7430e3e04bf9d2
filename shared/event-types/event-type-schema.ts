import * as z from 'zod';
import { type ErrorDetail, ValidationError } from '../errors.js';
import { jsonDepth, MAX_FIELD_DEPTH } from '../json-depth.js';
import { isEventTypeName } from './event-type-name.js';
import { schemaProblems } from './json-schema-subset.js';
import { compileDataCheck } from './schema-validator.js';

/** An example payload's JSON text may be this long (an event's `data` is limited like it). */
export const MAX_EXAMPLE_BYTES = 65_536;

/** An entry's name: an event type as events carry it (not a `prefix.*` pattern). */
export const eventTypeNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine(isEventTypeName, 'must be dot-separated segments of letters, digits, "_" and "-"');

const descriptionSchema = z
  .string({ error: 'must be a string' })
  .max(1000, 'must be at most 1000 characters');

const jsonSchemaSchema = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be a JSON Schema object',
);

const exampleSchema = z
  .custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'must be a JSON object (an event\'s "data")',
  )
  .refine(
    (value) => jsonDepth(value, MAX_FIELD_DEPTH) <= MAX_FIELD_DEPTH,
    `must nest at most ${MAX_FIELD_DEPTH} levels deep, as event data`,
  )
  .refine(
    (value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_EXAMPLE_BYTES,
    `must be at most ${MAX_EXAMPLE_BYTES} bytes as JSON`,
  );

const flagSchema = z.boolean({ error: 'must be true or false' });

/** The body of `POST /v1/event-types`. */
export const createEventTypeSchema = z.strictObject({
  name: eventTypeNameSchema,
  description: descriptionSchema.optional(),
  schema: jsonSchemaSchema.optional(),
  example: exampleSchema.optional(),
  deprecated: flagSchema.default(false),
  validate: flagSchema.default(false),
});

/** The body of `PATCH /v1/event-types/{name}`: `null` removes description, schema or example. */
export const updateEventTypeSchema = z
  .strictObject({
    description: descriptionSchema.nullable(),
    schema: jsonSchemaSchema.nullable(),
    example: exampleSchema.nullable(),
    deprecated: flagSchema,
    validate: flagSchema,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');

export type CreateEventTypeInput = z.infer<typeof createEventTypeSchema>;
export type UpdateEventTypeInput = z.infer<typeof updateEventTypeSchema>;

/**
 * Checks what an entry would hold once created or changed: the schema is of the supported
 * subset (json-schema-subset.ts), the example validates against it, and `validate` has a
 * schema to enforce. Throws a 400 naming every problem's field.
 */
export function assertConsistentEntry(entry: {
  readonly schema?: Record<string, unknown> | undefined;
  readonly example?: Record<string, unknown> | undefined;
  readonly validate: boolean;
}): void {
  const details: ErrorDetail[] = entry.schema ? schemaProblems(entry.schema) : [];
  if (details.length === 0 && entry.schema) {
    // A trial run: whatever the validator would throw on (rather than answer) is a 400 here,
    // never a 500 at ingest.
    try {
      compileDataCheck(entry.schema)({}, 'data');
    } catch (error) {
      details.push({ field: 'schema', message: `cannot be applied: ${(error as Error).message}` });
    }
  }
  if (details.length === 0 && entry.schema && entry.example) {
    const failures = compileDataCheck(entry.schema)(entry.example, 'example');
    details.push(
      ...failures.map((f) => ({
        field: f.field,
        message: `does not match the schema: ${f.message}`,
      })),
    );
  }
  if (entry.validate && !entry.schema) {
    details.push({ field: 'validate', message: 'needs a schema to validate events against' });
  }
  if (details.length === 0) return;
  const shown = details.slice(0, 10);
  throw new ValidationError(shown.map((d) => `${d.field}: ${d.message}`).join('; '), shown);
}
