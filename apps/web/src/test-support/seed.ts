// A small finished sweep written straight into Postgres, shaped like what the worker writes: the CPU demo's cells
// (base against its DeepNarrow match and two shallower narrow models, plus tiny), each with pretraining and
// finetuning curves, eval points, downstream scores, checkpoints and the worker it ran on. One more cell (mini) is
// left QUEUED, so a test can drive it through started → progress → completed while the page watches.
import { randomUUID } from 'node:crypto';
import { MetricIngest, type Database, type MetricPointInput } from '@shapesweep/db';
import { resolveCellName, shapeCost } from '@shapesweep/shapes';

export const TASKS = ['genre', 'sentiment', 'spam', 'wic'] as const;
const VOCAB = 2048;
const PRETRAIN_STEPS = 150;
const FINETUNE_STEPS = 40;
const BATCH = 16;
const INPUT_LENGTH = 64;
const TARGET_LENGTH = 16;
/** Steps of a whole cell: pretraining plus finetuning on every task. */
export const TOTAL_STEPS = PRETRAIN_STEPS + FINETUNE_STEPS * TASKS.length;

export interface SeedCell {
  name: string;
  family: 'reference' | 'deepnarrow' | 'list';
  referenceName: string | null;
  /** Final eval loss (cross-entropy, nats per token); neg log-perplexity = −evalLoss. */
  evalLoss: number;
  /** Accuracy per task. */
  scores: Record<(typeof TASKS)[number], number>;
  tokensPerSecond: number;
}

/** The five finished cells; the DeepNarrow cell ends slightly worse upstream but best downstream (Tay et al.). */
export const FINISHED_CELLS: readonly SeedCell[] = [
  { name: 'tiny@w1/16', family: 'list', referenceName: null, evalLoss: 4.1, scores: { genre: 0.41, sentiment: 0.62, spam: 0.8, wic: 0.5 }, tokensPerSecond: 9800 },
  { name: 'small@w1/16', family: 'list', referenceName: null, evalLoss: 3.72, scores: { genre: 0.47, sentiment: 0.68, spam: 0.86, wic: 0.51 }, tokensPerSecond: 6100 },
  { name: 'small-nl12@w1/16', family: 'list', referenceName: null, evalLoss: 3.51, scores: { genre: 0.52, sentiment: 0.71, spam: 0.89, wic: 0.53 }, tokensPerSecond: 3900 },
  { name: 'base@w1/16', family: 'reference', referenceName: null, evalLoss: 3.38, scores: { genre: 0.55, sentiment: 0.72, spam: 0.9, wic: 0.52 }, tokensPerSecond: 2500 },
  { name: 'small-nl28@w1/16', family: 'deepnarrow', referenceName: 'base@w1/16', evalLoss: 3.4, scores: { genre: 0.58, sentiment: 0.75, spam: 0.92, wic: 0.54 }, tokensPerSecond: 1900 },
];

/** The cell left QUEUED for live-update tests, and the result it finishes with. */
export const LIVE_CELL: SeedCell = {
  name: 'mini@w1/16', family: 'list', referenceName: null, evalLoss: 3.95, scores: { genre: 0.44, sentiment: 0.64, spam: 0.83, wic: 0.5 }, tokensPerSecond: 8200,
};

export interface SeededRun {
  id: string;
  cell: SeedCell;
  params: number;
  trainFlops: number;
}

export interface SeededSweep {
  sweepId: string;
  sweepName: string;
  workerId: string;
  workerHost: string;
  finished: SeededRun[];
  live: SeededRun;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Deterministic noise in [-1, 1] (a hash of the inputs), so seeded curves are identical on every run. */
function noise(a: number, b: number): number {
  const x = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/** Points of one finished cell: train loss, lr and tokens/s per step; eval loss every 50 pretraining steps. */
function curvePoints(runId: string, index: number, cell: SeedCell, start: Date): MetricPointInput[] {
  const points: MetricPointInput[] = [];
  const at = (seconds: number): Date => new Date(start.getTime() + seconds * 1000);
  const floor = cell.evalLoss - 0.15;
  for (let step = 1; step <= PRETRAIN_STEPS; step += 1) {
    const loss = floor + (7.62 - floor) * Math.exp(-step / 28) + 0.05 * noise(index, step);
    const lr = 0.01 * Math.min(1, step / 10) / Math.sqrt(Math.max(step, 10) / 10);
    const wallTime = at(step);
    points.push({ runId, phase: 'pretrain', name: 'train_loss', step, value: loss, wallTime });
    points.push({ runId, phase: 'pretrain', name: 'lr', step, value: lr, wallTime });
    points.push({ runId, phase: 'pretrain', name: 'tokens_per_s', step, value: cell.tokensPerSecond * (1 + 0.04 * noise(step, index)), wallTime });
    if (step % 50 === 0) points.push({ runId, phase: 'pretrain', name: 'eval_loss', step, value: cell.evalLoss + (PRETRAIN_STEPS - step) / 120, wallTime });
  }
  TASKS.forEach((task, t) => {
    const phase = `finetune:${task}`;
    const end = 1.6 - cell.scores[task];
    for (let step = 1; step <= FINETUNE_STEPS; step += 1) {
      const loss = end + (2.2 - end) * Math.exp(-step / 9) + 0.03 * noise(index * 7 + t, step);
      const wallTime = at(PRETRAIN_STEPS + t * FINETUNE_STEPS + step);
      points.push({ runId, phase, name: 'train_loss', step, value: loss, wallTime });
      points.push({ runId, phase, name: 'lr', step, value: 0.001, wallTime });
    }
  });
  return points;
}

/** Columns a finished run gets from the worker's complete(). */
function finishedValues(cell: SeedCell, trainFlops: number): { evalLoss: number; negLogPerplexity: number; downstreamMean: number; wallSeconds: number; tokensSeen: number; trainFlopsSpent: number } {
  const tokensSeen = TOTAL_STEPS * BATCH * (INPUT_LENGTH + TARGET_LENGTH);
  return {
    evalLoss: cell.evalLoss,
    negLogPerplexity: -cell.evalLoss,
    downstreamMean: mean(Object.values(cell.scores)),
    wallSeconds: tokensSeen / cell.tokensPerSecond,
    tokensSeen,
    trainFlopsSpent: trainFlops,
  };
}

/** Writes the sweep; returns the ids a test needs. */
export async function seedSweep(db: Database): Promise<SeededSweep> {
  const suffix = randomUUID().slice(0, 8);
  const sweepId = `sw-${suffix}`;
  const sweepName = 'deepnarrow-vs-base (CPU demo)';
  const workerId = `worker-${suffix}`;
  const workerHost = 'ci-runner-1';
  const created = new Date(Date.now() - 40 * 60_000);

  await db.pool.query(
    `INSERT INTO sweep (id, name, spec, status, priority, cell_count, created_at, updated_at) VALUES ($1, $2, $3, 'ACTIVE', 0, $4, $5, now())`,
    [sweepId, sweepName, JSON.stringify({ name: sweepName, vocab: VOCAB, widthScales: ['1/16'], seeds: [0] }), FINISHED_CELLS.length + 1, created],
  );
  await db.pool.query(
    `INSERT INTO worker (id, host, pid, backend, devices, slots, status, started_at, last_seen_at) VALUES ($1, $2, 4242, 'wasm', '{cpu}', 2, 'ONLINE', $3, now())`,
    [workerId, workerHost, created],
  );

  const insertRun = async (cell: SeedCell, index: number, finished: boolean): Promise<SeededRun> => {
    const resolved = resolveCellName(cell.name, { vocab: VOCAB });
    const cost = shapeCost(resolved.shape, { inputLength: INPUT_LENGTH, targetLength: TARGET_LENGTH });
    const trainFlops = cost.trainFlopsPerExample * BATCH * TOTAL_STEPS;
    const id = `run-${suffix}-${index}`;
    const s = resolved.shape;
    const started = new Date(created.getTime() + index * 60_000);
    const done = finished ? finishedValues(cell, trainFlops) : null;
    await db.pool.query(
      `INSERT INTO run (id, sweep_id, cell_key, name, family, reference_name, width_scale, el, dl, dm, ff, nh, kv, vocab,
         params, embedding_params, non_embedding_params, flops_per_example, planned_train_flops, hparams, seed, status,
         attempts, worker_id, backend, device, step, total_steps, phase, tokens_seen, tokens_per_second, wall_seconds,
         train_flops_spent, eval_loss, neg_log_perplexity, downstream_mean, created_at, updated_at, enqueued_at, started_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, 0.0625, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, '{}', 0, $19::run_status,
         $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, now(), $34, $35, $36)`,
      [
        id, sweepId, `cell-${suffix}-${index}`, cell.name, cell.family, cell.referenceName,
        s.el, s.dl, s.dm, s.ff, s.nh, s.kv, s.vocab,
        cost.params, cost.embeddingParams, cost.nonEmbeddingParams, cost.forwardFlopsPerExample, trainFlops,
        finished ? 'SUCCEEDED' : 'QUEUED',
        finished ? 1 : 0, finished ? workerId : null, finished ? 'wasm' : null, finished ? 'cpu' : null,
        finished ? TOTAL_STEPS : 0, TOTAL_STEPS, finished ? `finetune:${TASKS[TASKS.length - 1]}` : null,
        done?.tokensSeen ?? 0, finished ? cell.tokensPerSecond : null, done?.wallSeconds ?? null,
        done?.trainFlopsSpent ?? null, done?.evalLoss ?? null, done?.negLogPerplexity ?? null, done?.downstreamMean ?? null,
        created, finished ? started : null, finished && done !== null ? new Date(started.getTime() + done.wallSeconds * 1000) : null,
      ],
    );
    return { id, cell, params: cost.params, trainFlops };
  };

  const finished: SeededRun[] = [];
  for (const [i, cell] of FINISHED_CELLS.entries()) finished.push(await insertRun(cell, i, true));
  const live = await insertRun(LIVE_CELL, FINISHED_CELLS.length, false);

  for (const run of finished) {
    await db.pool.query(
      `INSERT INTO downstream_score (run_id, task, metric, value, step) SELECT $1, t.task, 'accuracy', t.value, $2 FROM unnest($3::text[], $4::float8[]) AS t(task, value)`,
      [run.id, FINETUNE_STEPS, [...TASKS], TASKS.map((t) => run.cell.scores[t])],
    );
    const phases = ['pretrain', ...TASKS.map((t) => `finetune:${t}`)];
    await db.pool.query(
      `INSERT INTO checkpoint (id, run_id, phase, step, uri, bytes) SELECT gen_random_uuid()::text, $1::text, p, CASE WHEN p = 'pretrain' THEN $2::int ELSE $3::int END,
         'file://.data/checkpoints/' || $1::text || '/' || replace(p, ':', '-') || '.ckpt', $4::bigint FROM unnest($5::text[]) AS p`,
      [run.id, PRETRAIN_STEPS, FINETUNE_STEPS, run.params * 4 + 512, phases],
    );
  }

  const ingest = new MetricIngest(db.pool, { flushIntervalMs: 50 });
  for (const [i, run] of finished.entries()) await ingest.add(curvePoints(run.id, i, run.cell, created));
  await ingest.close();
  return { sweepId, sweepName, workerId, workerHost, finished, live };
}

/** What the worker writes when the live cell starts: the RUNNING row and a run.started event. */
export async function startLiveRun(db: Database, seeded: SeededSweep): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `UPDATE run SET status = 'RUNNING', attempts = 1, worker_id = $2, backend = 'wasm', device = 'cpu', started_at = now(), phase = 'pretrain', updated_at = now() WHERE id = $1`,
      [seeded.live.id, seeded.workerId],
    );
    await client.query(`INSERT INTO run_event (sweep_id, run_id, type, data) VALUES ($1, $2, 'run.started', $3)`, [
      seeded.sweepId, seeded.live.id, JSON.stringify({ attempt: 1, workerId: seeded.workerId, backend: 'wasm', device: 'cpu', resumeFromStep: 0 }),
    ]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

/** A progress report of the live cell at `step`. */
export async function progressLiveRun(db: Database, seeded: SeededSweep, step: number): Promise<void> {
  const progress = { phase: 'pretrain', step, totalSteps: TOTAL_STEPS, tokensSeen: step * BATCH * (INPUT_LENGTH + TARGET_LENGTH), tokensPerSecond: LIVE_CELL.tokensPerSecond, etaSeconds: 30 };
  await db.pool.query(
    `WITH u AS (UPDATE run SET step = $2, tokens_seen = $3, tokens_per_second = $4, updated_at = now() WHERE id = $1 RETURNING sweep_id, id)
     INSERT INTO run_event (sweep_id, run_id, type, data) SELECT sweep_id, id, 'run.progress', $5::jsonb FROM u`,
    [seeded.live.id, step, progress.tokensSeen, progress.tokensPerSecond, JSON.stringify(progress)],
  );
}

/** The live cell finishing: its curves, then scores, summary columns, SUCCEEDED and run.completed, in one transaction. */
export async function completeLiveRun(db: Database, seeded: SeededSweep): Promise<void> {
  const done = finishedValues(LIVE_CELL, seeded.live.trainFlops);
  // The worker streams the curves while training, so they are stored before the run completes.
  const ingest = new MetricIngest(db.pool, { flushIntervalMs: 50 });
  await ingest.add(curvePoints(seeded.live.id, FINISHED_CELLS.length, LIVE_CELL, new Date(Date.now() - TOTAL_STEPS * 1000)));
  await ingest.close();
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO downstream_score (run_id, task, metric, value, step) SELECT $1, t.task, 'accuracy', t.value, $2 FROM unnest($3::text[], $4::float8[]) AS t(task, value)`,
      [seeded.live.id, FINETUNE_STEPS, [...TASKS], TASKS.map((t) => LIVE_CELL.scores[t])],
    );
    await client.query(
      `UPDATE run SET status = 'SUCCEEDED', step = total_steps, eval_loss = $2, neg_log_perplexity = $3, downstream_mean = $4, wall_seconds = $5,
         tokens_seen = $6, train_flops_spent = $7, tokens_per_second = $8, finished_at = now(), updated_at = now() WHERE id = $1`,
      [seeded.live.id, done.evalLoss, done.negLogPerplexity, done.downstreamMean, done.wallSeconds, done.tokensSeen, done.trainFlopsSpent, LIVE_CELL.tokensPerSecond],
    );
    await client.query(`INSERT INTO run_event (sweep_id, run_id, type, data) VALUES ($1, $2, 'run.completed', $3)`, [
      seeded.sweepId, seeded.live.id, JSON.stringify({ ...done, tokensPerSecond: LIVE_CELL.tokensPerSecond, backend: 'wasm' }),
    ]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
