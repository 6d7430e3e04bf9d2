import * as z from 'zod';
import { ConfigError } from './errors.js';

/**
 * Reads configuration from the environment once and checks it against a zod schema, so a
 * missing or malformed variable fails at INIT with one message naming every bad variable
 * rather than on the hundredth request.
 */
export function readConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** A required, non-empty environment variable. */
export const requiredString = z.string({ error: 'is required' }).min(1, 'is required');

/** An optional integer variable with bounds and a default. */
export function integerSetting(defaultValue: number, min: number, max: number) {
  return z.coerce.number().int().min(min).max(max).default(defaultValue);
}

/** A boolean variable: `true`/`1` or `false`/`0`/empty. */
export function booleanSetting(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
}

/** A comma-separated list, e.g. of CIDRs. */
export const listSetting = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
