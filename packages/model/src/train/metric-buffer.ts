// Collects metric points and hands them to onMetrics in batches: a few points per step would otherwise be a
// Postgres round trip each on the worker side.
import type { Phase } from '../checkpoint/checkpoint.js';
import type { CellHooks, MetricPoint } from './hooks.js';

export interface MetricBufferOptions {
  /** Flush once this many points are waiting. @defaultValue 64 */
  readonly maxPoints?: number;
  /** Flush when the oldest waiting point is this old, in milliseconds. @defaultValue 2000 */
  readonly maxAgeMs?: number;
}

export class MetricBuffer {
  readonly #sink: CellHooks['onMetrics'];
  readonly #maxPoints: number;
  readonly #maxAgeMs: number;
  #points: MetricPoint[] = [];
  #oldestMs = 0;

  constructor(sink: CellHooks['onMetrics'], options: MetricBufferOptions = {}) {
    this.#sink = sink;
    this.#maxPoints = options.maxPoints ?? 64;
    this.#maxAgeMs = options.maxAgeMs ?? 2000;
  }

  /** Adds one point per entry of `values` at (phase, step); non-finite values are skipped (Postgres and JSON lack NaN). */
  add(phase: Phase, step: number, values: Readonly<Record<string, number>>): void {
    const wallTime = new Date();
    if (this.#points.length === 0) this.#oldestMs = wallTime.getTime();
    for (const [name, value] of Object.entries(values)) {
      if (Number.isFinite(value)) this.#points.push({ phase, name, step, value, wallTime });
    }
  }

  /** Flushes when the batch is full or old enough. */
  async maybeFlush(): Promise<void> {
    if (this.#points.length >= this.#maxPoints || (this.#points.length > 0 && Date.now() - this.#oldestMs >= this.#maxAgeMs)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#points.length === 0) return;
    const batch = this.#points;
    this.#points = [];
    await this.#sink(batch);
  }
}
