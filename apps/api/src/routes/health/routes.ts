// GET /healthz (the process answers) and GET /readyz (Postgres and Redis answer, every migration is applied).
// /readyz answers 503 while a dependency is down: that is its job (orchestrators stop routing traffic here).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { checkMigrations, checkPostgres, checkRedis } from './store.js';

/** Each probe gets this long before it counts as down; /readyz answers within about this time. */
const PROBE_TIMEOUT_MS = 2_000;

const CheckSchema = z.object({ ok: z.boolean(), error: z.string().optional(), latencyMs: z.number() });
const ReadySchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ postgres: CheckSchema, redis: CheckSchema, migrations: CheckSchema }),
});

export function healthRoutes(ctx: AppContext, expectedMigrations: readonly string[]): FastifyPluginAsyncZod {
  const startedAtMs = ctx.now();
  return async (app) => {
    app.get('/healthz', {
      config: { auth: 'public' },
      schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } },
    }, async () => ({ status: 'ok' as const, uptimeSeconds: (ctx.now() - startedAtMs) / 1000 }));

    app.get('/readyz', {
      config: { auth: 'public' },
      schema: { tags: ['ops'], summary: 'Readiness: Postgres, Redis and migrations', response: { 200: ReadySchema, 503: ReadySchema } },
    }, async (_request, reply) => {
      const [postgres, redis] = await Promise.all([
        checkPostgres(ctx.deps.db, PROBE_TIMEOUT_MS),
        checkRedis(ctx.deps.queue, PROBE_TIMEOUT_MS),
      ]);
      const migrations = postgres.ok
        ? await checkMigrations(ctx.deps.db, expectedMigrations, PROBE_TIMEOUT_MS)
        : { ok: false, error: 'Postgres is down', latencyMs: 0 };
      const ready = postgres.ok && redis.ok && migrations.ok;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { postgres, redis, migrations } });
    });
  };
}
