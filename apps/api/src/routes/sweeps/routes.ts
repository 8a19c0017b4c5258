// /v1/sweeps: submit, list, status, runs, live events, cancel, retry.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RUN_STATUSES, ShapesweepError, SweepSpecSchema, type RunStatusName, type StatusCounts, type SweepStatus, type SweepView } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { assertSameType, bodyPassThrough, ErrorBodySchema, IdSchema, LimitQuery, mutationRateLimit } from '../../http/schemas.js';
import { runSseStream, type SseRegistry } from '../../http/sse.js';
import { listRuns } from '../runs/store.js';
import { RunSummarySchema } from '../runs/schemas.js';
import { cancelSweep, retrySweep } from './control.js';
import type { Enqueuer } from './enqueue.js';
import { eventsAfter, lastEventId } from './events-store.js';
import { planSubmission, planView } from './planning.js';
import { completeIfDone, countsForSweeps, listSweeps, sweepProgress, type SweepProgress } from './status-store.js';
import { findSweep, findSweepByIdempotencyKey, insertSweep, type SweepRow } from './store.js';

const CountsSchema = z.object(Object.fromEntries(RUN_STATUSES.map((s) => [s, z.number()])) as Record<RunStatusName, z.ZodNumber>);

const SweepSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  priority: z.number(),
  cellCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: CountsSchema,
});

const ProgressSchema = z.object({
  stepsDone: z.number(),
  stepsTotal: z.number(),
  fraction: z.number(),
  tokensPerSecond: z.number(),
  stepsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});

const SweepStatusSchema = z.object({ sweep: SweepSchema.extend({ spec: z.unknown() }), progress: ProgressSchema });
assertSameType<z.output<typeof SweepSchema>, SweepView>(true);
assertSameType<z.output<typeof SweepStatusSchema>, SweepStatus>(true);

const SubmitResponseSchema = z.object({
  sweep: SweepSchema,
  created: z.boolean(),
  enqueued: z.number(),
  pending: z.number(),
  warnings: z.array(z.string()),
});

/** Idempotency keys: printable ASCII without spaces, as in the IETF Idempotency-Key draft's examples. */
const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable ASCII characters without spaces');

const NOT_FOUND = (id: string): ShapesweepError =>
  new ShapesweepError('SWEEP_NOT_FOUND', `id: no sweep has id ${JSON.stringify(id)}`, { details: [`params.id: ${id}`] });

function sweepView(sweep: SweepRow, counts: StatusCounts) {
  return {
    id: sweep.id,
    name: sweep.name,
    status: sweep.status,
    priority: sweep.priority,
    cellCount: sweep.cellCount,
    createdAt: sweep.createdAt.toISOString(),
    updatedAt: sweep.updatedAt.toISOString(),
    counts,
  };
}

function progressView(p: SweepProgress) {
  return {
    stepsDone: p.stepsDone,
    stepsTotal: p.stepsTotal,
    fraction: p.stepsTotal === 0 ? 0 : p.stepsDone / p.stepsTotal,
    tokensPerSecond: p.tokensPerSecond,
    stepsPerSecond: p.stepsPerSecond,
    etaSeconds: p.etaSeconds,
  };
}

/** Sweep status, reused for STATUS_CACHE_MS and computed once however many requests ask at the same time. */
class StatusCache {
  private readonly entries = new Map<string, { expiresAtMs: number; value: Promise<z.output<typeof SweepStatusSchema> | null> }>();
  constructor(private readonly ttlMs: number, private readonly now: () => number) {}
  get(id: string, load: () => Promise<z.output<typeof SweepStatusSchema> | null>): Promise<z.output<typeof SweepStatusSchema> | null> {
    const now = this.now();
    const hit = this.entries.get(id);
    if (hit !== undefined && hit.expiresAtMs > now) return hit.value;
    if (this.entries.size > 10_000) this.entries.clear();
    const value = load();
    this.entries.set(id, { expiresAtMs: now + this.ttlMs, value });
    // A failure is not cached: the next request tries again.
    value.catch(() => this.entries.delete(id));
    return value;
  }
  invalidate(id: string): void {
    this.entries.delete(id);
  }
}

export function sweepRoutes(ctx: AppContext, enqueuer: Enqueuer, sse: SseRegistry): FastifyPluginAsyncZod {
  const { db } = ctx.deps;
  const statusCache = new StatusCache(ctx.config.STATUS_CACHE_MS, ctx.now);

  async function loadStatus(id: string): Promise<z.output<typeof SweepStatusSchema> | null> {
    // Both reads at once; the progress of an unknown sweep is all zeros and thrown away.
    const [found, progress] = await Promise.all([findSweep(db, id), sweepProgress(db, id)]);
    let sweep = found;
    if (sweep === null) return null;
    if (sweep.status === 'ACTIVE' && (await completeIfDone(db, id, progress.counts))) sweep = (await findSweep(db, id)) ?? sweep;
    return { sweep: { ...sweepView(sweep, progress.counts), spec: sweep.spec }, progress: progressView(progress) };
  }

  async function requireSweep(id: string): Promise<SweepRow> {
    const sweep = await findSweep(db, id);
    if (sweep === null) throw NOT_FOUND(id);
    return sweep;
  }

  return async (app) => {
    app.post('/v1/sweeps', {
      config: { auth: 'write', rateLimit: mutationRateLimit(ctx.config) },
      // The body is validated by parseSweepSpec in the handler (SWEEP_SPEC_INVALID with field paths and values);
      // the schema is here for the OpenAPI document only.
      validatorCompiler: bodyPassThrough as never,
      schema: {
        tags: ['sweeps'],
        summary: 'Submit a sweep: validate, plan, store every run, enqueue one job per run',
        description:
          '201 with the new sweep; 200 with the existing sweep when the same spec (or the same Idempotency-Key) was already submitted; ' +
          '202 when the runs were stored but Redis was unreachable (they stay PENDING and are enqueued automatically). ' +
          '?dryRun=true returns the plan and writes nothing.',
        querystring: z.strictObject({ dryRun: z.enum(['true', 'false']).default('false') }),
        headers: z.object({ 'idempotency-key': IdempotencyKeySchema.optional() }),
        body: SweepSpecSchema,
        response: { 200: z.union([SubmitResponseSchema, z.object({ dryRun: z.literal(true), plan: z.unknown() })]), 201: SubmitResponseSchema, 202: SubmitResponseSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, 413: ErrorBodySchema },
      },
    }, async (request, reply) => {
      const planned = planSubmission(request.body, ctx.config.MAX_CELLS_PER_SWEEP);
      if (request.query.dryRun === 'true') return reply.code(200).send({ dryRun: true as const, plan: planView(planned) });

      const key = request.headers['idempotency-key'] ?? null;
      const { sweepId } = planned.rows;
      const existingResponse = async (existing: SweepRow) => {
        if (key !== null && existing.idempotencyKey === key && existing.id !== sweepId) throw conflict(key);
        // Re-submission fills the holes: runs a Redis outage left PENDING are enqueued now.
        const result = await enqueuer.enqueuePending(existing.id, existing.priority);
        const counts = (await sweepProgress(db, existing.id)).counts;
        return reply.code(200).send({
          sweep: sweepView(existing, counts),
          created: false,
          enqueued: result.enqueued,
          pending: result.pending,
          warnings: result.error === null ? [] : [queueWarning(result.error)],
        });
      };
      const conflict = (k: string) =>
        new ShapesweepError('IDEMPOTENCY_CONFLICT', `idempotency-key: ${JSON.stringify(k)} was already used for a different sweep spec`, {
          details: ['headers.idempotency-key: reused with a different body'],
        });

      if (key !== null) {
        const byKey = await findSweepByIdempotencyKey(db, key);
        if (byKey !== null) {
          if (byKey.id !== sweepId) throw conflict(key);
          return existingResponse(byKey);
        }
      }
      const existing = await findSweep(db, sweepId);
      if (existing !== null) return existingResponse(existing);

      const inserted = await insertSweep(db, planned.rows, key, request.principal?.tokenId ?? null);
      if (!inserted) {
        // A concurrent identical submission (or one with this key) committed first.
        const winner = (key === null ? null : await findSweepByIdempotencyKey(db, key)) ?? (await findSweep(db, sweepId));
        if (winner === null) throw new Error(`sweep ${sweepId} insert conflicted but no conflicting row was found`);
        if (winner.id !== sweepId && key !== null) throw conflict(key);
        return existingResponse(winner);
      }
      const result = await enqueuer.enqueuePlanned(sweepId, planned.rows.priority, planned.rows.runs, planned.rows.training);
      const sweep = (await findSweep(db, sweepId))!;
      const counts = { PENDING: result.pending, QUEUED: result.enqueued, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
      return reply.code(result.error === null ? 201 : 202).send({
        sweep: sweepView(sweep, counts),
        created: true,
        enqueued: result.enqueued,
        pending: result.pending,
        warnings: [...planned.plan.warnings, ...(result.error === null ? [] : [queueWarning(result.error)])],
      });
    });

    app.get('/v1/sweeps', {
      schema: {
        tags: ['sweeps'],
        summary: 'List sweeps, newest first',
        querystring: z.strictObject({
          status: z.enum(['ACTIVE', 'COMPLETED', 'CANCELLED']).optional(),
          limit: LimitQuery(20, 200),
          cursor: z.string().max(2000).optional(),
        }),
        response: { 200: z.object({ sweeps: z.array(SweepSchema), nextCursor: z.string().nullable() }), 400: ErrorBodySchema },
      },
    }, async (request) => {
      const { status, limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor('sweeps', cursor, z.strictObject({ createdAt: z.iso.datetime(), id: z.string() }));
      const rows = await listSweeps(db, { ...(status === undefined ? {} : { status }), ...(after === undefined ? {} : { after }), limit: limit + 1 });
      const page = rows.slice(0, limit);
      const counts = await countsForSweeps(db, page.map((s) => s.id));
      const last = page[page.length - 1];
      return {
        sweeps: page.map((s) => sweepView(s, counts.get(s.id)!)),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor('sweeps', { createdAt: last.createdAt.toISOString(), id: last.id }) : null,
      };
    });

    app.get('/v1/sweeps/:id', {
      schema: {
        tags: ['sweeps'],
        summary: 'Sweep status: runs per status, steps done/total, throughput and ETA',
        params: z.strictObject({ id: IdSchema }),
        response: { 200: SweepStatusSchema, 404: ErrorBodySchema },
      },
    }, async (request) => {
      const status = await statusCache.get(request.params.id, () => loadStatus(request.params.id));
      if (status === null) {
        statusCache.invalidate(request.params.id);
        throw NOT_FOUND(request.params.id);
      }
      return status;
    });

    app.get('/v1/sweeps/:id/runs', {
      schema: {
        tags: ['sweeps'],
        summary: "A sweep's runs, by id",
        params: z.strictObject({ id: IdSchema }),
        querystring: z.strictObject({
          status: z.enum(RUN_STATUSES).optional(),
          limit: LimitQuery(100, 1000),
          cursor: z.string().max(2000).optional(),
        }),
        response: { 200: z.object({ runs: z.array(RunSummarySchema), nextCursor: z.string().nullable() }), 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
    }, async (request) => {
      const { status, limit, cursor } = request.query;
      const afterId = cursor === undefined ? undefined : decodeCursor(`runs:${request.params.id}`, cursor, z.string().min(1).max(200));
      await requireSweep(request.params.id);
      const rows = await listRuns(db, request.params.id, { ...(status === undefined ? {} : { status }), ...(afterId === undefined ? {} : { afterId }), limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { runs: page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(`runs:${request.params.id}`, last.id) : null };
    });

    app.get('/v1/sweeps/:id/events', {
      schema: {
        tags: ['sweeps'],
        summary: 'Server-Sent Events of a sweep (sweep.queued, run.queued, run.started, run.progress, run.completed, run.failed, ...)',
        description:
          'Each event carries its run_event id as the SSE id: reconnecting with Last-Event-ID (browsers do it automatically) ' +
          'resumes right after it. ?after=<id> does the same for clients that cannot set headers; ?after=now skips history.',
        params: z.strictObject({ id: IdSchema }),
        querystring: z.strictObject({ after: z.union([z.literal('now'), z.string().regex(/^\d{1,19}$/, 'must be an event id (digits) or "now"')]).optional() }),
        headers: z.object({ 'last-event-id': z.string().regex(/^\d{1,19}$/, 'must be an event id (digits)').optional() }),
      },
    }, async (request, reply) => {
      const sweep = await requireSweep(request.params.id);
      const header = request.headers['last-event-id'];
      const after = header ?? request.query.after ?? '0';
      const cursor = after === 'now' ? await lastEventId(db, sweep.id) : BigInt(after);
      await runSseStream(request, reply, sse, {
        cursor,
        pollMs: ctx.options.ssePollMs,
        heartbeatMs: ctx.options.sseHeartbeatMs,
        fetch: async (position, limit) => {
          const rows = await eventsAfter(db, sweep.id, position, limit);
          const last = rows[rows.length - 1];
          return {
            cursor: last === undefined ? position : BigInt(last.id),
            messages: rows.map((e) => ({ id: e.id, event: e.type, data: { id: e.id, type: e.type, sweepId: sweep.id, runId: e.runId, createdAt: e.createdAt.toISOString(), data: e.data } })),
          };
        },
      });
    });

    app.post('/v1/sweeps/:id/cancel', {
      config: { auth: 'write', rateLimit: mutationRateLimit(ctx.config) },
      schema: {
        tags: ['sweeps'],
        summary: 'Cancel a sweep: remove its waiting jobs, tell running ones to stop',
        params: z.strictObject({ id: IdSchema }),
        response: { 200: z.object({ sweepId: z.string(), cancelled: z.number(), stopping: z.number(), warnings: z.array(z.string()) }), 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    }, async (request, reply) => {
      const sweep = await requireSweep(request.params.id);
      const result = await cancelSweep(ctx, sweep);
      statusCache.invalidate(sweep.id);
      sse.wakeAll();
      return reply.code(200).send({ sweepId: sweep.id, cancelled: result.cancelled, stopping: result.stopping, warnings: result.warning === null ? [] : [result.warning] });
    });

    app.post('/v1/sweeps/:id/retry', {
      config: { auth: 'write', rateLimit: mutationRateLimit(ctx.config) },
      schema: {
        tags: ['sweeps'],
        summary: 'Re-enqueue the failed, cancelled, pending and lost cells of a sweep (never finished or running ones)',
        params: z.strictObject({ id: IdSchema }),
        response: {
          200: z.object({ sweepId: z.string(), reset: z.number(), enqueued: z.number(), pending: z.number(), busy: z.number(), warnings: z.array(z.string()) }),
          202: z.object({ sweepId: z.string(), reset: z.number(), enqueued: z.number(), pending: z.number(), busy: z.number(), warnings: z.array(z.string()) }),
          404: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
    }, async (request, reply) => {
      const sweep = await requireSweep(request.params.id);
      const result = await retrySweep(ctx, enqueuer, sweep);
      statusCache.invalidate(sweep.id);
      sse.wakeAll();
      return reply.code(result.error === null ? 200 : 202).send({
        sweepId: sweep.id,
        reset: result.reset,
        enqueued: result.enqueued,
        pending: result.pending,
        busy: result.busy,
        warnings: result.error === null ? [] : [queueWarning(result.error)],
      });
    });
  };
}

function queueWarning(error: string): string {
  return `the job queue is unavailable (${error}): runs are stored and stay PENDING; they are enqueued automatically when Redis is back (or POST /v1/sweeps/:id/retry)`;
}
