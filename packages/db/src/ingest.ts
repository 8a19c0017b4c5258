// The hot write path: metric points from trainers into Postgres.
//
// Storage (see prisma/schema.prisma): a point's (run_id, phase, name) is a row of `metric_series`; the point itself is
// (series_id, step, value, wall_time) in `metric_value`, whose 8-byte primary key and absent foreign key are what make
// the write cheap. This class resolves series ids (cached; new series are created on first sight) and writes points
// in batches (by size, or after a short interval):
//   fast path  one `COPY metric_value FROM STDIN` — the cheapest way to move rows into Postgres;
//   slow path  when that hits an existing key (a retried batch, a resumed run re-logging a step), the batch goes
//              COPY → temp staging table → INSERT … SELECT … ON CONFLICT DO NOTHING, so re-delivery is a no-op.
// `method: 'unnest'` (one INSERT … SELECT FROM unnest($1::int[], …) ON CONFLICT DO NOTHING) is the alternative;
// bench/ingest-bench.ts measures both side by side.
//
// Failure semantics:
//  - Postgres unavailable (restart, network, terminated connection): the batch is kept and retried with capped
//    exponential backoff, forever; nothing is dropped.
//  - The buffer is bounded (maxBufferedPoints). When it is full, add() returns a promise that resolves only once
//    there is room again: the caller (the trainer's metric sink) awaits it and so pauses instead of losing points.
//  - Points of a run that does not exist (never created, or deleted) can never be written; they are dropped and
//    reported through onDropped rather than blocking every other run's points behind them.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ShapesweepError } from '@shapesweep/contract';

/** One point of one curve; the (runId, phase, name, step) key identifies it. */
export interface MetricPointInput {
  runId: string;
  /** "pretrain" or "finetune:<task>". */
  phase: string;
  /** "train_loss", "eval_loss", "lr", "tokens_per_s", ... */
  name: string;
  /** Optimizer step (int32). */
  step: number;
  /** NaN and ±Infinity are stored as such (a diverged loss is worth recording). */
  value: number;
  wallTime: Date;
}

export type IngestMethod = 'copy' | 'unnest';

export interface MetricIngestOptions {
  /** Most points per batch (one transaction). @defaultValue 5000 */
  maxBatchPoints?: number;
  /** A non-full buffer is flushed this many ms after its first point arrived. @defaultValue 250 */
  flushIntervalMs?: number;
  /** Most points held in memory (buffered + in flight); add() waits beyond it. @defaultValue 200000 */
  maxBufferedPoints?: number;
  /** First retry delay after a failed batch, doubling per failure. @defaultValue 100 */
  retryInitialMs?: number;
  /** Cap of the retry delay. @defaultValue 5000 */
  retryMaxMs?: number;
  /**
   * Batches written at the same time, each on its own connection (the pool must allow that many). Two keep
   * Postgres busy while the next batch is prepared and let the COPYs use two cores. @defaultValue 2
   */
  concurrency?: number;
  /** How batches reach Postgres. @defaultValue 'copy' */
  method?: IngestMethod;
  /** Called on every failed write attempt before it is retried (log it). @defaultValue no-op */
  onRetry?: (err: Error, attempt: number, delayMs: number) => void;
  /** Called with points that can never be written (their run row is gone). @defaultValue no-op */
  onDropped?: (points: readonly MetricPointInput[], reason: string) => void;
}

export interface MetricIngestStats {
  /** Points accepted by add(). */
  accepted: number;
  /** Points whose batch committed (new rows and re-delivered no-ops alike). */
  written: number;
  /** Rows actually inserted (written minus points that already existed). */
  inserted: number;
  /** Points dropped because their run no longer exists. */
  dropped: number;
  /** Committed batches. */
  batches: number;
  /** Failed write attempts that were retried. */
  retries: number;
}

const INT32_MAX = 2_147_483_647;
const UNIQUE_VIOLATION = '23505';
/** Series ids cached per ingest; beyond this many the cache starts over (a worker sees a few dozen per run). */
const SERIES_CACHE_MAX = 100_000;

interface Waiter {
  points: readonly MetricPointInput[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Batches metric points into Postgres through COPY; see the file comment for the guarantees. */
export class MetricIngest {
  readonly #pool: pg.Pool;
  readonly #maxBatchPoints: number;
  readonly #flushIntervalMs: number;
  readonly #maxBufferedPoints: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #method: IngestMethod;
  readonly #concurrency: number;
  readonly #onRetry: NonNullable<MetricIngestOptions['onRetry']>;
  readonly #onDropped: NonNullable<MetricIngestOptions['onDropped']>;

  /** Points accepted and not yet handed to a writer, oldest first. */
  #buffer: MetricPointInput[] = [];
  /** Points in batches being written (retried until they commit); they count against maxBufferedPoints. */
  #inFlightPoints = 0;
  /** Writers running (≤ concurrency). */
  #activeWriters = 0;
  /** flush() calls in progress: while any runs, partial batches go out without waiting for the timer. */
  #flushing = 0;
  /** Resolved whenever a batch commits (flush() waits on it). */
  #batchDone: Array<() => void> = [];
  /** add() calls waiting for room, FIFO so that points keep their order. */
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** Set by close(): later add() calls reject. */
  #closed = false;
  /** runId → phase → name → metric_series.id; nested so the per-point lookup builds no key string. */
  readonly #seriesIds = new Map<string, Map<string, Map<string, number>>>();
  #seriesCached = 0;
  readonly #stats: MetricIngestStats = { accepted: 0, written: 0, inserted: 0, dropped: 0, batches: 0, retries: 0 };

  constructor(pool: pg.Pool, options: MetricIngestOptions = {}) {
    this.#pool = pool;
    this.#maxBatchPoints = positive('maxBatchPoints', options.maxBatchPoints ?? 5000);
    this.#flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? 250);
    this.#maxBufferedPoints = positive('maxBufferedPoints', options.maxBufferedPoints ?? 200_000);
    this.#retryInitialMs = positive('retryInitialMs', options.retryInitialMs ?? 100);
    this.#retryMaxMs = positive('retryMaxMs', options.retryMaxMs ?? 5000);
    this.#concurrency = positive('concurrency', options.concurrency ?? 2);
    this.#method = options.method ?? 'copy';
    this.#onRetry = options.onRetry ?? (() => {});
    this.#onDropped = options.onDropped ?? (() => {});
  }

  /** Points accepted and not yet committed (the in-flight batch included); never above maxBufferedPoints. */
  get bufferedPoints(): number {
    return this.#buffer.length + this.#inFlightPoints;
  }

  /** Points of add() calls still waiting for room (backpressure in effect when > 0). */
  get waitingPoints(): number {
    return this.#waiters.reduce((n, w) => n + w.points.length, 0);
  }

  get stats(): Readonly<MetricIngestStats> {
    return { ...this.#stats };
  }

  /**
   * Queues points for writing. Resolves at once while the buffer has room; when it is full, resolves once the
   * writer has made room (backpressure — await it). Rejects only for malformed points or after close().
   */
  add(points: readonly MetricPointInput[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('MetricIngest: add() after close()'));
    const invalid = validatePoints(points);
    if (invalid !== undefined) return Promise.reject(invalid);
    if (points.length === 0) return Promise.resolve();
    // FIFO: while others wait, a newcomer waits behind them even if it would fit, so curves stay in order.
    if (this.#waiters.length === 0 && this.#hasRoomFor(points.length)) {
      this.#accept(points);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ points, resolve, reject });
      this.#kick();
    });
  }

  /** Resolves once every point accepted so far is committed (retrying through outages as long as it takes). */
  async flush(): Promise<void> {
    this.#flushing++;
    try {
      while (this.#buffer.length > 0 || this.#waiters.length > 0 || this.#activeWriters > 0) {
        this.#kick();
        await new Promise<void>((resolve) => this.#batchDone.push(resolve));
      }
    } finally {
      this.#flushing--;
    }
  }

  /** Flushes everything, then refuses further add() calls. Wrap in a timeout if Postgres may stay down. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#clearTimer();
  }

  #hasRoomFor(count: number): boolean {
    const held = this.#buffer.length + this.#inFlightPoints;
    // An add() larger than the whole bound is admitted into an empty buffer, or it could never be admitted.
    return held + count <= this.#maxBufferedPoints || held === 0;
  }

  #accept(points: readonly MetricPointInput[]): void {
    for (const point of points) this.#buffer.push(point);
    this.#stats.accepted += points.length;
    this.#kick();
  }

  /**
   * Hands batches to idle writers: full batches at once; a partial one only when a flush is waiting, add() calls
   * are blocked on room, or the interval timer fired (otherwise the timer is armed).
   */
  #kick(timerFired = false): void {
    while (this.#activeWriters < this.#concurrency && this.#buffer.length > 0) {
      const due = this.#buffer.length >= this.#maxBatchPoints || timerFired || this.#flushing > 0 || this.#waiters.length > 0;
      if (!due) break;
      this.#clearTimer();
      this.#startWriter(this.#buffer.splice(0, this.#maxBatchPoints));
    }
    if (this.#buffer.length > 0 && this.#timer === undefined && this.#activeWriters < this.#concurrency) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#kick(true);
      }, this.#flushIntervalMs);
      // A pending flush alone must not keep the process alive; close() flushes explicitly.
      this.#timer.unref();
    }
  }

  #startWriter(batch: MetricPointInput[]): void {
    this.#activeWriters++;
    this.#inFlightPoints += batch.length;
    // #writeWithRetry never rejects: it retries until the batch commits (or its points are dropped as orphans).
    void this.#writeWithRetry(batch).then(() => {
      this.#activeWriters--;
      this.#inFlightPoints -= batch.length;
      this.#admitWaiters();
      this.#kick();
      for (const resolve of this.#batchDone.splice(0)) resolve();
    });
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #admitWaiters(): void {
    while (this.#waiters.length > 0) {
      const next = this.#waiters[0]!;
      if (!this.#hasRoomFor(next.points.length)) break;
      this.#waiters.shift();
      this.#accept(next.points);
      next.resolve();
    }
  }

  async #writeWithRetry(batch: MetricPointInput[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await this.#toRows(batch);
        const inserted = rows.seriesIds.length === 0 ? 0 : await this.#writeRows(rows);
        this.#stats.written += rows.seriesIds.length;
        this.#stats.inserted += inserted;
        this.#stats.batches += 1;
        return;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        this.#stats.retries += 1;
        // Full jitter keeps many workers from hammering a recovering Postgres in lock-step.
        const ceilingMs = Math.min(this.#retryMaxMs, this.#retryInitialMs * 2 ** Math.min(attempt - 1, 20));
        const delayMs = Math.round(ceilingMs / 2 + (Math.random() * ceilingMs) / 2);
        callSafely(() => this.#onRetry(error, attempt, delayMs));
        await sleep(delayMs);
      }
    }
  }

  /**
   * Maps each point to its series id (creating missing series); drops and reports points of unknown runs. One cache
   * lookup per point; only the points that missed are looked up again after their series were created, and the
   * batch itself is passed on unless some point had to be dropped.
   */
  async #toRows(batch: readonly MetricPointInput[]): Promise<ValueRows> {
    const seriesIds = new Array<number>(batch.length);
    let misses: number[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const id = this.#seriesId(batch[i]!);
      if (id === undefined) (misses ??= []).push(i);
      else seriesIds[i] = id;
    }
    if (misses === undefined) return { seriesIds, points: batch };
    await this.#resolveSeries(uniqueSeries(misses.map((i) => batch[i]!)));
    let dropped: Set<number> | undefined;
    for (const i of misses) {
      const id = this.#seriesId(batch[i]!);
      if (id === undefined) (dropped ??= new Set()).add(i);
      else seriesIds[i] = id;
    }
    if (dropped === undefined) return { seriesIds, points: batch };
    const lost = [...dropped].map((i) => batch[i]!);
    this.#stats.dropped += lost.length;
    const runs = [...new Set(lost.map((p) => p.runId))];
    callSafely(() => this.#onDropped(lost, `run ${runs.join(', ')} does not exist`));
    const kept = (_: unknown, i: number): boolean => !dropped.has(i);
    return { seriesIds: seriesIds.filter(kept), points: batch.filter(kept) };
  }

  #seriesId(p: MetricPointInput): number | undefined {
    return this.#seriesIds.get(p.runId)?.get(p.phase)?.get(p.name);
  }

  /** Creates the series that do not exist yet (for runs that do) and caches every id found. */
  async #resolveSeries(wanted: readonly MetricPointInput[]): Promise<void> {
    if (this.#seriesCached + wanted.length > SERIES_CACHE_MAX) {
      this.#seriesIds.clear();
      this.#seriesCached = 0;
    }
    const params = [wanted.map((p) => p.runId), wanted.map((p) => p.phase), wanted.map((p) => p.name)];
    // The INSERT's RETURNING gives the new ids; the second SELECT the ones that existed (its snapshot predates the
    // INSERT, so the two never overlap). Joining `run` skips series of unknown runs instead of failing the batch.
    const { rows } = await this.#pool.query<SeriesRow>(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w(run_id, phase, name)),
       created AS (
         INSERT INTO metric_series (run_id, phase, name)
         SELECT w.run_id, w.phase, w.name FROM wanted w JOIN run r ON r.id = w.run_id
         ON CONFLICT (run_id, phase, name) DO NOTHING
         RETURNING id, run_id, phase, name)
       SELECT id, run_id, phase, name FROM created
       UNION ALL
       SELECT s.id, s.run_id, s.phase, s.name FROM metric_series s JOIN wanted w USING (run_id, phase, name)`,
      params,
    );
    this.#cacheSeries(rows);
    // A series another worker committed while our INSERT ran is in neither half; a fresh statement sees it.
    if (rows.length < wanted.length) {
      const again = await this.#pool.query<SeriesRow>(
        `SELECT s.id, s.run_id, s.phase, s.name FROM metric_series s
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS w(run_id, phase, name) USING (run_id, phase, name)`,
        params,
      );
      this.#cacheSeries(again.rows);
    }
  }

  #cacheSeries(rows: readonly SeriesRow[]): void {
    for (const r of rows) {
      let phases = this.#seriesIds.get(r.run_id);
      if (phases === undefined) this.#seriesIds.set(r.run_id, (phases = new Map()));
      let names = phases.get(r.phase);
      if (names === undefined) phases.set(r.phase, (names = new Map()));
      if (!names.has(r.name)) this.#seriesCached++;
      names.set(r.name, r.id);
    }
  }

  /** Writes one batch; returns the number of rows actually inserted. */
  async #writeRows(rows: ValueRows): Promise<number> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    // pg.Pool listens for errors only on idle clients; a socket error on a checked-out one (Postgres gone mid-COPY)
    // would otherwise be an uncaught exception. The failing query rejects as well, which is what we act on.
    const onClientError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onClientError);
    try {
      if (this.#method === 'unnest') return await unnestRows(client, rows);
      try {
        // Autocommit: one COPY is one atomic statement.
        return await copyRows(client, 'metric_value', rows);
      } catch (err) {
        if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
      }
      return await copyRowsIdempotent(client, rows);
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.off('error', onClientError);
      // Passing the error destroys the connection instead of returning a possibly dead one to the pool.
      client.release(broken !== undefined && isConnectionError(broken) ? broken : undefined);
    }
  }
}

/** One point per distinct (runId, phase, name). */
function uniqueSeries(points: readonly MetricPointInput[]): MetricPointInput[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    // NUL cannot occur in a valid point, so it separates the parts unambiguously.
    const key = `${p.runId}\0${p.phase}\0${p.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface SeriesRow {
  id: number;
  run_id: string;
  phase: string;
  name: string;
}

/** A batch resolved to series ids: `seriesIds[i]` belongs to `points[i]`. */
interface ValueRows {
  seriesIds: readonly number[];
  points: readonly MetricPointInput[];
}

/** Temp table per connection (no WAL, invisible to other sessions); emptied at every commit. */
const CREATE_STAGE = `CREATE TEMP TABLE IF NOT EXISTS metric_value_stage
  (series_id integer, step integer, value double precision, wall_time timestamptz)
  ON COMMIT DELETE ROWS`;

const stagedConnections = new WeakSet<pg.PoolClient>();

async function copyRows(client: pg.PoolClient, table: string, rows: ValueRows): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (series_id, step, value, wall_time) FROM STDIN (FORMAT binary)`));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(encodeCopyBinary(rows.seriesIds, rows.points));
  });
  return stream.rowCount;
}

/** The re-delivery path: stage, then insert what is new. */
async function copyRowsIdempotent(client: pg.PoolClient, rows: ValueRows): Promise<number> {
  if (!stagedConnections.has(client)) {
    // Outside the transaction, so a rolled-back batch cannot take the staging table with it.
    await client.query(CREATE_STAGE);
    stagedConnections.add(client);
  }
  await client.query('BEGIN');
  try {
    await copyRows(client, 'metric_value_stage', rows);
    const result = await client.query(
      `INSERT INTO metric_value (series_id, step, value, wall_time)
       SELECT series_id, step, value, wall_time FROM metric_value_stage
       ON CONFLICT DO NOTHING`,
    );
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

async function unnestRows(client: pg.PoolClient, rows: ValueRows): Promise<number> {
  const n = rows.points.length;
  const steps = new Array<number>(n);
  const values = new Array<string>(n);
  const wallTimes = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const p = rows.points[i]!;
    steps[i] = p.step;
    // As text: node-postgres would send NaN/Infinity inside an array literal in a form Postgres rejects.
    values[i] = formatFloat(p.value);
    wallTimes[i] = p.wallTime.toISOString();
  }
  const result = await client.query(
    `INSERT INTO metric_value (series_id, step, value, wall_time)
     SELECT * FROM unnest($1::int[], $2::int[], $3::float8[], $4::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [rows.seriesIds, steps, values, wallTimes],
  );
  return result.rowCount ?? 0;
}

/** Fixed start of a binary COPY stream: signature, flags (no OIDs), header-extension length. */
const COPY_BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
/** Bytes per row: field count (2) + 4 × length (4) + int4 + int4 + float8 + int8 timestamp. */
const COPY_BINARY_ROW_BYTES = 2 + 4 * 4 + 4 + 4 + 8 + 8;
/** Postgres timestamps count microseconds from 2000-01-01T00:00:00Z; JavaScript dates milliseconds from 1970. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 2 ** 32;

/**
 * PostgreSQL binary COPY format of metric_value rows (series_id int4, step int4, value float8, wall_time timestamptz).
 * Binary instead of text because formatting doubles and ISO timestamps in JavaScript, and parsing them again in
 * Postgres, cost more than the rest of the write path together; binary fields are written and read as raw bytes.
 */
export function encodeCopyBinary(seriesIds: readonly number[], points: readonly MetricPointInput[]): Buffer {
  const n = points.length;
  const buf = Buffer.allocUnsafe(COPY_BINARY_HEADER.length + n * COPY_BINARY_ROW_BYTES + 2);
  COPY_BINARY_HEADER.copy(buf, 0);
  // DataView's setters are plain inlined stores (big-endian by default); Buffer's write* methods add range checks.
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = COPY_BINARY_HEADER.length;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    view.setInt16(o, 4);
    view.setInt32(o + 2, 4);
    view.setInt32(o + 6, seriesIds[i]!);
    view.setInt32(o + 10, 4);
    view.setInt32(o + 14, p.step);
    view.setInt32(o + 18, 8);
    view.setFloat64(o + 22, p.value);
    view.setInt32(o + 30, 8);
    // int64 microseconds as two 32-bit halves (exact: |µs| < 2^53 for any Date).
    const micros = (p.wallTime.getTime() - PG_EPOCH_MS) * 1000;
    const high = Math.floor(micros / TWO_32);
    view.setInt32(o + 34, high);
    view.setUint32(o + 38, micros - high * TWO_32);
    o += COPY_BINARY_ROW_BYTES;
  }
  view.setInt16(o, -1); // trailer
  return buf;
}

function formatFloat(v: number): string {
  // Postgres spells the specials 'NaN', 'Infinity', '-Infinity' — as JS does; finite numbers round-trip exactly.
  return String(v);
}

/** Checks what Postgres would reject, so a malformed point fails its add() instead of wedging a batch forever. */
function validatePoints(points: readonly MetricPointInput[]): ShapesweepError | undefined {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const problem =
      !isKeyString(p.runId) ? `runId: ${JSON.stringify(p.runId)} must be a non-empty string without NUL`
      : !isKeyString(p.phase) ? `phase: ${JSON.stringify(p.phase)} must be a non-empty string without NUL`
      : !isKeyString(p.name) ? `name: ${JSON.stringify(p.name)} must be a non-empty string without NUL`
      : !Number.isInteger(p.step) || p.step < -INT32_MAX - 1 || p.step > INT32_MAX ? `step: ${String(p.step)} must be an int32`
      : typeof p.value !== 'number' ? `value: ${JSON.stringify(p.value)} must be a number`
      : !(p.wallTime instanceof Date) || Number.isNaN(p.wallTime.getTime()) ? `wallTime: ${String(p.wallTime)} must be a valid Date`
      : undefined;
    if (problem !== undefined) {
      return new ShapesweepError('VALIDATION_FAILED', `metric point [${i}]: ${problem}`, { details: [`[${i}].${problem}`] });
    }
  }
  return undefined;
}

function isKeyString(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && !s.includes('\0');
}

/** Errors after which the connection cannot be trusted: socket-level, or the server ended the session. */
function isConnectionError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return true; // socket errors carry Node codes or none; drop the connection to be safe
  // 08: connection exception; 57P01-03: admin shutdown / crash shutdown / cannot connect now.
  return code.startsWith('08') || code.startsWith('57P') || code.startsWith('E');
}

/** A throwing callback (a logger) must not stall the writer, whose promise chain has nobody to reject to. */
function callSafely(fn: () => void): void {
  try {
    fn();
  } catch {
    // ignored on purpose: see above
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`MetricIngest: ${name}: ${value} must be a positive number`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
