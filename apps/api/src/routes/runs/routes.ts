// /v1/runs/:id and its curves.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShapesweepError } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { ErrorBodySchema, IdSchema } from '../../http/schemas.js';
import { curveKeys, downsampledCurve } from './curves.js';
import { RunSummarySchema } from './schemas.js';
import { checkpoints, findRun, latestMetrics, runExists, scores } from './store.js';

/** Curves one request may return (a run logs a handful per phase). */
const MAX_CURVES = 64;

const NOT_FOUND = (id: string): ShapesweepError =>
  new ShapesweepError('RUN_NOT_FOUND', `id: no run has id ${JSON.stringify(id)}`, { details: [`params.id: ${id}`] });

export function runRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const { db } = ctx.deps;
  return async (app) => {
    app.get('/v1/runs/:id', {
      schema: {
        tags: ['runs'],
        summary: 'One run: shape, cost, status, attempts, worker, backend, latest metrics, checkpoints, scores',
        params: z.strictObject({ id: IdSchema }),
        response: {
          200: z.object({
            run: RunSummarySchema,
            latestMetrics: z.array(z.object({ phase: z.string(), name: z.string(), step: z.number(), value: z.number(), wallTime: z.string() })),
            checkpoints: z.array(z.object({ id: z.string(), phase: z.string(), step: z.number(), uri: z.string(), bytes: z.number(), createdAt: z.string() })),
            scores: z.array(z.object({ task: z.string(), metric: z.string(), value: z.number(), step: z.number() })),
          }),
          404: ErrorBodySchema,
        },
      },
    }, async (request) => {
      const run = await findRun(db, request.params.id);
      if (run === null) throw NOT_FOUND(request.params.id);
      const [latest, ckpts, runScores] = await Promise.all([
        latestMetrics(db, run.id),
        checkpoints(db, run.id, 20),
        scores(db, run.id),
      ]);
      return { run, latestMetrics: latest, checkpoints: ckpts, scores: runScores };
    });

    app.get('/v1/runs/:id/metrics', {
      schema: {
        tags: ['runs'],
        summary: 'Curves of a run, downsampled on the server (first, last, minimum and maximum always kept)',
        params: z.strictObject({ id: IdSchema }),
        querystring: z.strictObject({
          name: z.string().min(1).max(100).optional(),
          phase: z.string().min(1).max(100).optional(),
          maxPoints: z.coerce.number().int().min(4).max(20_000).default(1_000),
          method: z.enum(['lttb', 'minmax']).default('lttb'),
        }),
        response: {
          200: z.object({
            runId: z.string(),
            curves: z.array(z.object({ phase: z.string(), name: z.string(), total: z.number(), downsampled: z.boolean(), points: z.array(z.tuple([z.number(), z.number()])) })),
          }),
          400: ErrorBodySchema,
          404: ErrorBodySchema,
        },
      },
    }, async (request) => {
      const { name, phase, maxPoints, method } = request.query;
      const filter = { ...(name === undefined ? {} : { name }), ...(phase === undefined ? {} : { phase }) };
      const [exists, keys] = await Promise.all([runExists(db, request.params.id), curveKeys(db, request.params.id, filter, MAX_CURVES)]);
      if (!exists) throw NOT_FOUND(request.params.id);
      // Curves in parallel (the pool bounds it): long ones read their rollup rows, short ones their few raw points.
      const curves = await Promise.all(keys.map((key) => downsampledCurve(db, key, maxPoints, method)));
      return { runId: request.params.id, curves };
    });
  };
}
