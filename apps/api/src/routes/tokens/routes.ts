// POST/GET/DELETE /v1/tokens: token management, admin scope only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShapesweepError } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import type { TokenCache } from '../../auth/plugin.js';
import { ScopeSchema } from '../../auth/tokens.js';
import { ErrorBodySchema, mutationRateLimit } from '../../http/schemas.js';
import { createToken, listTokens, revokeToken } from './store.js';

const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export function tokenRoutes(ctx: AppContext, cache: TokenCache): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/v1/tokens', {
      config: { auth: 'admin', rateLimit: mutationRateLimit(ctx.config) },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is shown once',
        body: z.strictObject({
          name: z.string().trim().min(1).max(100),
          scopes: z.array(ScopeSchema).min(1).max(3).default(['read', 'write']),
        }),
        response: { 201: z.object({ token: TokenSchema, secret: z.string() }), 400: ErrorBodySchema },
      },
    }, async (request, reply) => {
      const created = await createToken(ctx.deps.db, request.body.name, [...new Set(request.body.scopes)]);
      return reply.code(201).send(created);
    });

    app.get('/v1/tokens', {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens (never their secrets)',
        querystring: z.strictObject({ includeRevoked: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ tokens: z.array(TokenSchema) }) },
      },
    }, async (request) => ({ tokens: await listTokens(ctx.deps.db, request.query.includeRevoked === 'true') }));

    app.delete('/v1/tokens/:id', {
      config: { auth: 'admin', rateLimit: mutationRateLimit(ctx.config) },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: z.strictObject({ id: z.string().min(1).max(100) }),
        response: { 200: z.object({ token: TokenSchema }), 404: ErrorBodySchema },
      },
    }, async (request) => {
      const token = await revokeToken(ctx.deps.db, request.params.id, new Date(ctx.now()));
      if (token === null) throw new ShapesweepError('TOKEN_NOT_FOUND', `id: no API token has id ${JSON.stringify(request.params.id)}`, { details: [`params.id: ${request.params.id}`] });
      cache.clear();
      return { token };
    });
  };
}
