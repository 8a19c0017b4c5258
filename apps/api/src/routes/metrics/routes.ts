// GET /metrics in the Prometheus text exposition format (version 0.0.4).
import type { FastifyInstance } from 'fastify';
import { RUN_STATUSES } from '@shapesweep/contract';
import type { AppContext } from '../../context.js';
import { withTimeout } from '../../http/timeout.js';
import { countLiveWorkers } from '../workers/store.js';
import { metricPointsIngested, runsPerStatus, sweepsPerStatus } from './store.js';

const SWEEP_STATUSES = ['ACTIVE', 'COMPLETED', 'CANCELLED'] as const;
const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'paused', 'waiting-children'] as const;

/** Label values escape backslash, quote and newline (exposition format rules). */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class Exposition {
  private readonly lines: string[] = [];
  metric(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Record<string, string>, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`);
      this.lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? value : 'NaN'}`);
    }
  }
  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** Requests answered, by method, route pattern and status; counted in an onResponse hook. */
export class HttpCounters {
  private readonly counts = new Map<string, number>();
  record(method: string, route: string, status: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  samples(): Array<[Record<string, string>, number]> {
    return [...this.counts].map(([key, n]) => {
      const [method = '', route = '', status = ''] = key.split('\u0000');
      return [{ method, route, status }, n];
    });
  }
}

export function registerMetricsRoute(app: FastifyInstance, ctx: AppContext, http: HttpCounters): void {
  app.get('/metrics', {
    config: { auth: 'public' },
    schema: { tags: ['ops'], summary: 'Prometheus metrics: queue depth, runs per status, live workers, points ingested', hide: false },
  }, async (_request, reply) => {
    const out = new Exposition();
    const [runs, sweeps, workers, points] = await Promise.all([
      runsPerStatus(ctx.deps.db),
      sweepsPerStatus(ctx.deps.db),
      countLiveWorkers(ctx.deps.db, ctx.now(), ctx.config.WORKER_LIVE_MS),
      metricPointsIngested(ctx.deps.db),
    ]);
    // The queue may be down; the database numbers are still worth scraping, so Redis failure is a gauge, not a 5xx.
    let jobs: Record<string, number> | null;
    try {
      jobs = await withTimeout(ctx.deps.queue.getJobCounts(...JOB_STATES), 1_000, 'Redis');
    } catch {
      jobs = null;
    }
    const queueName = ctx.deps.queue.name;
    out.metric('shapesweep_queue_up', 'gauge', 'Whether the job queue (Redis) answered this scrape.', [[{ queue: queueName }, jobs === null ? 0 : 1]]);
    if (jobs !== null) {
      const counts = jobs;
      out.metric('shapesweep_queue_jobs', 'gauge', 'BullMQ jobs per state.', JOB_STATES.map((s) => [{ queue: queueName, state: s }, counts[s] ?? 0]));
    }
    out.metric('shapesweep_runs', 'gauge', 'Runs per status.', RUN_STATUSES.map((s) => [{ status: s }, runs.get(s) ?? 0]));
    out.metric('shapesweep_sweeps', 'gauge', 'Sweeps per status.', SWEEP_STATUSES.map((s) => [{ status: s }, sweeps.get(s) ?? 0]));
    out.metric('shapesweep_workers_live', 'gauge', 'Workers ONLINE with a recent heartbeat.', [[{}, workers]]);
    out.metric('shapesweep_metric_points_ingested_total', 'counter', 'Metric points inserted into Postgres (pg_stat n_tup_ins).', [[{}, points]]);
    out.metric('shapesweep_http_requests_total', 'counter', 'HTTP requests answered by this process.', http.samples());
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(out.toString());
  });
}
