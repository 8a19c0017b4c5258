// Synthetic finished sweeps for the benchmark and the integration tests: runs with plausible costs and qualities
// (a noisy power law in params, a shape effect downstream), downstream scores for the four built-in tasks, and
// optionally metric curves written through MetricIngest, the worker's own write path.
import { seededRandom } from '@shapesweep/analysis';
import { BUILTIN_TASKS } from '@shapesweep/contract';
import { MetricIngest, type Database } from '@shapesweep/db';

export interface SeededRun {
  id: string;
  sweepId: string;
  name: string;
  family: string;
  referenceName: string | null;
  params: number;
  /** train_flops_spent */
  flops: number;
  wallSeconds: number;
  negLogPerplexity: number;
  downstreamMean: number;
  /** accuracy per task */
  scores: Record<string, number>;
}

const FAMILIES = ['reference', 'deepnarrow', 'oneknob', 'grid'] as const;

/** Writes one SUCCEEDED sweep of `runs` runs with scores; returns what it wrote, for independent checks. */
export async function seedFinishedSweep(db: Database, options: { sweepId: string; runs: number; seed: number }): Promise<SeededRun[]> {
  const random = seededRandom(options.seed);
  const out: SeededRun[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    const family = FAMILIES[i % FAMILIES.length]!;
    const layers = 2 + Math.floor(random() * 30);
    const dm = 64 * (1 + Math.floor(random() * 16));
    // Parameters ~ 12·L·dm² (+ embeddings), rounded so ties happen now and then (tests must handle them).
    const params = Math.round((12 * layers * dm * dm + 512 * dm) / 1000) * 1000;
    const flops = params * 6 * 2e5 * (0.8 + 0.4 * random());
    const wallSeconds = Math.round(flops / 5e11 * (0.7 + 0.6 * random()) * 100) / 100;
    const loss = 1.7 + 400 * Math.pow(params, -0.34) + 0.05 * random();
    const depthBonus = Math.min(layers, 32) / 320;
    const scores: Record<string, number> = {};
    for (const task of BUILTIN_TASKS) scores[task] = Math.min(0.99, Math.max(0.3, 0.5 + 0.3 * (3 - loss) / 2 + depthBonus + 0.1 * (random() - 0.5)));
    const values = Object.values(scores);
    const name = `${family === 'deepnarrow' ? 'small' : 'base'}-nl${layers}-dm${dm}`;
    out.push({
      id: `${options.sweepId}_r${String(i).padStart(6, '0')}`,
      sweepId: options.sweepId,
      name,
      family,
      referenceName: family === 'deepnarrow' ? `base-nl${layers}-dm${dm}` : null,
      params,
      flops,
      wallSeconds,
      negLogPerplexity: -loss,
      downstreamMean: values.reduce((a, b) => a + b, 0) / values.length,
      scores,
    });
  }

  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO sweep (id, name, spec, status, priority, cell_count, updated_at) VALUES ($1, $2, '{}'::jsonb, 'COMPLETED', 0, $3, now())`,
      [options.sweepId, `seeded ${options.sweepId}`, out.length],
    );
    const col = <T>(f: (r: SeededRun) => T): T[] => out.map(f);
    await client.query(
      `INSERT INTO run (id, sweep_id, cell_key, name, family, reference_name, width_scale, el, dl, dm, ff, nh, kv, vocab, params,
                        embedding_params, non_embedding_params, flops_per_example, planned_train_flops, train_flops_spent,
                        wall_seconds, tokens_per_second, hparams, seed, status, step, total_steps, eval_loss,
                        neg_log_perplexity, downstream_mean, started_at, finished_at, updated_at)
       SELECT u.id, $1, u.id, u.name, u.family, u.ref, 1, 4, 4, 256, 1024, 4, 64, 8192, u.params, 0, u.params,
              u.flops / 6e5, u.flops, u.flops, u.wall, 1e5 / u.wall, '{}'::jsonb, 0, 'SUCCEEDED', 100, 100, -u.nlp, u.nlp,
              u.down, now() - interval '1 hour', now(), now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::float8[], $8::float8[], $9::float8[], $10::float8[])
           AS u(id, name, family, ref, params, flops, wall, nlp, down)`,
      [
        options.sweepId, col((r) => r.id), col((r) => r.name), col((r) => r.family), col((r) => r.referenceName),
        col((r) => String(r.params)), col((r) => r.flops), col((r) => r.wallSeconds), col((r) => r.negLogPerplexity), col((r) => r.downstreamMean),
      ],
    );
    const scoreRows = out.flatMap((r) => Object.entries(r.scores).map(([task, value]) => ({ runId: r.id, task, value })));
    await client.query(
      `INSERT INTO downstream_score (run_id, task, metric, value, step)
       SELECT u.run_id, u.task, 'accuracy', u.value, 100 FROM unnest($1::text[], $2::text[], $3::float8[]) AS u(run_id, task, value)`,
      [scoreRows.map((s) => s.runId), scoreRows.map((s) => s.task), scoreRows.map((s) => s.value)],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return out;
}

/**
 * Writes `points` points of a `train_loss` curve for one run through MetricIngest (COPY), steps 1..points, a noisy
 * decaying loss with a few spikes. Returns the points' extremes so callers can check a downsampled curve keeps them.
 */
export async function seedCurve(db: Database, runId: string, points: number, seed: number, ingest?: MetricIngest): Promise<{ min: [number, number]; max: [number, number] }> {
  const own = ingest === undefined;
  const writer = ingest ?? new MetricIngest(db.pool, { maxBatchPoints: 50_000, maxBufferedPoints: 500_000 });
  const random = seededRandom(seed);
  let min: [number, number] = [0, Infinity];
  let max: [number, number] = [0, -Infinity];
  const wallTime = new Date();
  const BATCH = 50_000;
  for (let start = 1; start <= points; start += BATCH) {
    const batch = [];
    for (let step = start; step < Math.min(points + 1, start + BATCH); step += 1) {
      let value = 2 + 8 / Math.sqrt(step) + 0.05 * random();
      if (random() < 1e-4) value += 3 * random();
      if (value < min[1]) min = [step, value];
      if (value > max[1]) max = [step, value];
      batch.push({ runId, phase: 'pretrain', name: 'train_loss', step, value, wallTime });
    }
    await writer.add(batch);
  }
  if (own) await writer.close();
  return { min, max };
}
