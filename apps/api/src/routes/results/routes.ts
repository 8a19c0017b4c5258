// Query by compute budget: /v1/results, /v1/frontier, /v1/fits and /v1/sweeps/:id/report.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  fitPowerLaw, fromFitY, isAnalysisError, paretoFrontier, predict, sweepReport, toFitY,
  type FitTarget, type PowerLawFit, type SweepReport,
} from '@shapesweep/analysis';
import { ShapesweepError, TaskNameSchema, type FrontierResponse, type ResultItem } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { assertSameType, ErrorBodySchema, IdSchema, LimitQuery, PositiveNumberQuery } from '../../http/schemas.js';
import { RunSummarySchema } from '../runs/schemas.js';
import { findSweep } from '../sweeps/store.js';
import {
  FinishedRunsCache, axisPoints, dataVersion, frontierCandidates, queryResults, runsByIds,
  type CostAxis, type Quality, type ResultPosition, type ResultSort, type Scope,
} from './store.js';

/** A score metric name as the worker writes it (accuracy, macro_f1, ...). */
const MetricNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be a metric name like accuracy or macro_f1');

const BudgetQuery = {
  maxParams: PositiveNumberQuery.optional(),
  maxFlops: PositiveNumberQuery.optional(),
  maxWallSeconds: PositiveNumberQuery.optional(),
  sweep: IdSchema.optional(),
};

function scopeOf(q: { maxParams?: number | undefined; maxFlops?: number | undefined; maxWallSeconds?: number | undefined; sweep?: string | undefined }): Scope {
  return {
    ...(q.sweep === undefined ? {} : { sweepId: q.sweep }),
    ...(q.maxParams === undefined ? {} : { maxParams: q.maxParams }),
    ...(q.maxFlops === undefined ? {} : { maxFlops: q.maxFlops }),
    ...(q.maxWallSeconds === undefined ? {} : { maxWallSeconds: q.maxWallSeconds }),
  };
}

/** y=downstream|upstream|<task>: the quality axis of frontiers. */
const QualityAxisSchema = z.union([z.enum(['downstream', 'upstream']), TaskNameSchema], {
  error: 'must be downstream, upstream or a task name (sentiment, spam, genre, wic)',
});

function qualityOf(y: string, metric: string | undefined): Quality {
  if (y === 'downstream') return { kind: 'downstream' };
  if (y === 'upstream') return { kind: 'upstream' };
  return { kind: 'task', task: y, metric: metric ?? null };
}

const ResultItemSchema = RunSummarySchema.extend({
  value: z.number(),
  flops: z.number(),
  scores: z.record(z.string(), z.record(z.string(), z.number())),
});
assertSameType<z.output<typeof ResultItemSchema>, ResultItem>(true);

const FrontierResponseSchema = z.object({
  x: z.string(),
  y: z.string(),
  candidates: z.number(),
  frontier: z.array(z.object({ x: z.number(), y: z.number(), run: RunSummarySchema })),
});
assertSameType<z.output<typeof FrontierResponseSchema>, FrontierResponse>(true);

/** Small LRU of computed answers keyed by query + data version (fits and reports cost more than a query). */
class AnswerCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}
  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: T): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

function analysisError(err: unknown): never {
  if (isAnalysisError(err)) {
    if (err.code === 'NOT_ENOUGH_DATA') throw new ShapesweepError('NOT_ENOUGH_DATA', err.message, { details: [err.message] });
    throw new ShapesweepError('VALIDATION_FAILED', err.message, { details: [err.message] });
  }
  throw err;
}

export function resultRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const { db } = ctx.deps;
  const fitCache = new AnswerCache<{ fit: PowerLawFit; n: number; excluded: number }>(64);
  const reportCache = new AnswerCache<SweepReport>(32);
  const finishedRuns = new FinishedRunsCache(32);

  return async (app) => {
    app.get('/v1/results', {
      schema: {
        tags: ['results'],
        summary: 'Finished runs within a compute budget, best first',
        description:
          'Ranks by the mean downstream score (metric=downstream, default), upstream negative log-perplexity (metric=upstream), ' +
          "or one task's score (task=<task>, metric=<score metric>, default accuracy). Ties go to the cheaper run. " +
          'Budget caps are inclusive; flops are the training FLOPs spent (planned when not recorded). Paginate with nextCursor.',
        querystring: z
          .strictObject({
            ...BudgetQuery,
            task: TaskNameSchema.optional(),
            metric: MetricNameSchema.optional(),
            sort: z.enum(['score', 'params', 'flops', 'wallSeconds']).default('score'),
            limit: LimitQuery(50, 500),
            cursor: z.string().max(2000).optional(),
          })
          .superRefine((q, issue) => {
            if (q.task === undefined && q.metric !== undefined && q.metric !== 'downstream' && q.metric !== 'upstream') {
              issue.addIssue({ code: 'custom', path: ['metric'], message: 'without task, metric must be downstream or upstream' });
            }
          }),
        response: { 200: z.object({ items: z.array(ResultItemSchema), nextCursor: z.string().nullable() }), 400: ErrorBodySchema },
      },
    }, async (request) => {
      const q = request.query;
      const quality: Quality = q.task !== undefined ? { kind: 'task', task: q.task, metric: q.metric ?? null } : qualityOf(q.metric ?? 'downstream', undefined);
      const sort: ResultSort = q.sort;
      const kind = `results:${sort}`;
      const after = q.cursor === undefined
        ? undefined
        : (decodeCursor(kind, q.cursor, z.tuple([z.number(), z.number(), z.number(), z.string().min(1).max(200)])) as ResultPosition);
      const { rows, positions } = await queryResults(db, { scope: scopeOf(q), quality, sort, ...(after === undefined ? {} : { after }), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const lastPosition = positions[page.length - 1];
      return { items: page, nextCursor: rows.length > q.limit && lastPosition !== undefined ? encodeCursor(kind, lastPosition) : null };
    });

    app.get('/v1/frontier', {
      schema: {
        tags: ['results'],
        summary: 'Pareto-optimal finished runs: lowest cost on x, highest quality on y',
        querystring: z.strictObject({
          ...BudgetQuery,
          x: z.enum(['params', 'flops', 'wallSeconds']).default('params'),
          y: QualityAxisSchema.default('downstream'),
          metric: MetricNameSchema.optional(),
        }),
        response: {
          200: FrontierResponseSchema,
          400: ErrorBodySchema,
        },
      },
    }, async (request) => {
      const q = request.query;
      const { points, candidates } = await frontierCandidates(db, scopeOf(q), q.x as CostAxis, qualityOf(q.y, q.metric));
      const frontier = paretoFrontier(points, { maximizeY: true });
      const runs = await runsByIds(db, frontier.map((p) => p.id));
      return {
        x: q.x,
        y: q.y,
        candidates,
        frontier: frontier.flatMap((p) => {
          const run = runs.get(p.id);
          return run === undefined ? [] : [{ x: p.x, y: p.y, run }];
        }),
      };
    });

    app.get('/v1/fits', {
      schema: {
        tags: ['results'],
        summary: 'Power-law fit L(x) = E + A·x^(−α) of finished runs, with bootstrap intervals and a prediction at a budget',
        description:
          'upstream fits the eval loss (−negative log-perplexity), downstream the error (1 − mean score); predictions are ' +
          'converted back to the quality scale. Huber loss on log values, L-BFGS from a grid of starts.',
        querystring: z.strictObject({
          x: z.enum(['params', 'flops']).default('params'),
          y: z.enum(['upstream', 'downstream']).default('upstream'),
          sweep: IdSchema.optional(),
          at: PositiveNumberQuery.optional(),
          bootstrap: z.coerce.number().int().min(0).max(1000).default(100),
          seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(0),
        }),
        response: {
          200: z.object({
            x: z.string(),
            y: z.string(),
            n: z.number(),
            excluded: z.number(),
            fit: z.object({
              E: z.number(), A: z.number(), alpha: z.number(), loss: z.number(), converged: z.boolean(),
              ci95: z.object({ E: z.tuple([z.number(), z.number()]), A: z.tuple([z.number(), z.number()]), alpha: z.tuple([z.number(), z.number()]) }).nullable(),
            }),
            prediction: z.object({ at: z.number(), fitted: z.number(), quality: z.number(), interval: z.tuple([z.number(), z.number()]).nullable(), qualityInterval: z.tuple([z.number(), z.number()]).nullable() }).nullable(),
          }),
          400: ErrorBodySchema,
          422: ErrorBodySchema,
        },
      },
    }, async (request) => {
      const q = request.query;
      const target = q.y as FitTarget;
      const scope: Scope = q.sweep === undefined ? {} : { sweepId: q.sweep };
      const key = `${q.x}|${q.y}|${q.sweep ?? ''}|${q.bootstrap}|${q.seed}|${(await dataVersion(db, q.sweep ?? null)).key}`;
      // The points are read only when the fit of this data version is not cached yet.
      let cached = fitCache.get(key);
      if (cached === undefined) {
        const points = await axisPoints(db, scope, q.x, { kind: target });
        // Log space needs y > 0: a perfect downstream score (error 0) or a missing value cannot be fitted.
        const usable = points.map((p) => ({ x: p.x, y: toFitY(target, p.y) })).filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.y));
        try {
          cached = { fit: fitPowerLaw(usable, { bootstrap: q.bootstrap, seed: q.seed }), n: usable.length, excluded: points.length - usable.length };
        } catch (err) {
          analysisError(err);
        }
        fitCache.set(key, cached);
      }
      const { fit } = cached;
      let prediction = null;
      if (q.at !== undefined) {
        const p = predict(fit, q.at);
        const qualityInterval = p.interval === null ? null : ([fromFitY(target, p.interval[1]), fromFitY(target, p.interval[0])].sort((a, b) => a - b) as [number, number]);
        prediction = { at: q.at, fitted: p.y, quality: fromFitY(target, p.y), interval: p.interval, qualityInterval };
      }
      return {
        x: q.x,
        y: q.y,
        n: cached.n,
        excluded: cached.excluded,
        fit: { E: fit.E, A: fit.A, alpha: fit.alpha, loss: fit.loss, converged: fit.converged, ci95: fit.ci95 },
        prediction,
      };
    });

    app.get('/v1/sweeps/:id/report', {
      schema: {
        tags: ['results'],
        summary: "The paper's comparison over a sweep: upstream vs downstream ranking, winners per budget, DeepNarrow vs references",
        params: z.strictObject({ id: IdSchema }),
        response: { 200: z.object({ sweepId: z.string(), name: z.string(), status: z.string(), report: z.unknown() }), 404: ErrorBodySchema },
      },
    }, async (request) => {
      // Both reads at once: the version of an unknown sweep is simply never used.
      const versionRead = dataVersion(db, request.params.id);
      versionRead.catch(() => undefined); // a failure surfaces where it is awaited, not as an unhandled rejection
      const sweep = await findSweep(db, request.params.id);
      if (sweep === null) {
        throw new ShapesweepError('SWEEP_NOT_FOUND', `id: no sweep has id ${JSON.stringify(request.params.id)}`, { details: [`params.id: ${request.params.id}`] });
      }
      const version = await versionRead;
      const key = `${sweep.id}|${version.key}`;
      let report = reportCache.get(key);
      if (report === undefined) {
        try {
          report = sweepReport(await finishedRuns.get(db, sweep.id, version));
        } catch (err) {
          analysisError(err);
        }
        reportCache.set(key, report);
      }
      return { sweepId: sweep.id, name: sweep.name, status: sweep.status, report };
    });
  };
}
