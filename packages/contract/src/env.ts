// Parse an app's environment once, at start-up, with its zod schema; on failure list every wrong or missing variable.
import type { z } from 'zod';
import { ShapesweepError } from './errors.js';

export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, app: string): Readonly<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ShapesweepError('CONFIG_INVALID', `${app}: invalid configuration\n  ${details.join('\n  ')}`, { details });
  }
  return Object.freeze(parsed.data);
}
