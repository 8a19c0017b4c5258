// GET /v1/workers: the fleet as the heartbeats describe it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { listWorkers } from './store.js';

const WorkerSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  backend: z.string(),
  devices: z.array(z.string()),
  slots: z.number(),
  status: z.string(),
  live: z.boolean(),
  startedAt: z.string(),
  lastSeenAt: z.string(),
  lastSeenSecondsAgo: z.number(),
  runningRuns: z.number(),
});

export function workerRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/v1/workers', {
      schema: {
        tags: ['workers'],
        summary: 'List workers; live = ONLINE with a heartbeat younger than WORKER_LIVE_MS',
        querystring: z.strictObject({ live: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ workers: z.array(WorkerSchema), liveCount: z.number() }) },
      },
    }, async (request) => {
      const workers = await listWorkers(ctx.deps.db, ctx.now(), ctx.config.WORKER_LIVE_MS, request.query.live === 'true');
      return { workers, liveCount: workers.filter((w) => w.live).length };
    });
  };
}
