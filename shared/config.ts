// zod/mini: the functions' configuration and event validation are on every Lambda's load
// path, and the mini build is a fraction of the classic one's size in a bundle.
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';

/**
 * Reads configuration from the environment once and checks it against a zod schema, so a
 * missing or malformed variable fails at INIT with one message naming every bad variable
 * rather than on the hundredth request.
 */
export function readConfig<S extends z.core.$ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const parsed = z.safeParse(schema, env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** A required, non-empty environment variable. */
export const requiredString = z
  .string({ error: 'is required' })
  .check(z.minLength(1, 'is required'));

/** An optional string variable with a default. */
export function stringSetting(defaultValue: string) {
  return z._default(z.string().check(z.minLength(1, 'must not be empty')), defaultValue);
}

/** An optional integer variable with bounds and a default. */
export function integerSetting(defaultValue: number, min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z._default(
    z.coerce
      .number({ error: message })
      .check(z.int({ error: message }), z.gte(min, message), z.lte(max, message)),
    defaultValue,
  );
}

/** A boolean variable: `true`/`1` or `false`/`0`/empty. */
export function booleanSetting(defaultValue: boolean) {
  return z.pipe(
    z._default(
      z.enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' }),
      defaultValue ? 'true' : 'false',
    ),
    z.transform((v) => v === 'true' || v === '1'),
  );
}

/** A comma-separated list, e.g. of CIDRs. */
export const listSetting = z.pipe(
  z._default(z.string(), ''),
  z.transform((v) =>
    v
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);
