import type * as z from 'zod';
import { ConfigError } from './errors';

/**
 * Reads configuration from environment variables through a zod object schema whose keys are the
 * variable names. Fails fast with every missing or invalid variable named; never a silent default
 * for anything that matters (declare an explicit `.default()` in the schema where one is safe).
 */
export const loadConfig = <S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.infer<S> => {
  const values: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    values[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    return values[name] === undefined ? `${name} is not set` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(`configuration error: ${problems.join('; ')}`);
};
