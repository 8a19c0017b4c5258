// Schemas and route options shared by several features.
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiConfig } from '@shapesweep/contract';

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.string()) }),
});

/** An id in a path: ours are short ASCII strings; anything longer than 200 characters is not one. */
export const IdSchema = z.string().min(1).max(200);

/** A positive, finite number from a query string ("1e9" works; "abc", "-1", "Infinity" do not). */
export const PositiveNumberQuery = z.coerce
  .number({ error: 'must be a number' })
  .refine((v) => Number.isFinite(v), 'must be finite')
  .refine((v) => v > 0, 'must be > 0');

/** Page size from a query string. */
export const LimitQuery = (defaultValue: number, max: number) => z.coerce.number().int().min(1).max(max).default(defaultValue);

/** Rate limit of mutating routes: RATE_LIMIT_PER_MINUTE per client (token, else IP) per minute. */
export function mutationRateLimit(config: Readonly<ApiConfig>): { max: number; timeWindow: number } {
  return { max: config.RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 };
}

/**
 * Route-level validator that lets the body through untouched (the handler validates it with a richer error, e.g.
 * parseSweepSpec → SWEEP_SPEC_INVALID with values) while querystring, params and headers are validated by zod.
 * The body schema stays on the route for the OpenAPI document.
 * Typed `never` at the use site: the type provider's per-route compiler type is tied to that route's schema object.
 */
export const bodyPassThrough: FastifySchemaCompiler<z.ZodType> = (req) =>
  req.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(req);

/** true when A and B are assignable to each other. */
type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compiles only when `A` and `B` are the same type: ties a response schema to the contract type the CLI and the
 * dashboard read the answer through, so neither side can change alone. Does nothing at run time.
 */
export function assertSameType<A, B>(proof: SameType<A, B>): void {
  void proof;
}
