// The seam between the generic trainer child and whatever trains a cell. The built-in implementation
// (model-cell.ts) wraps @shapesweep/model's runCell; TRAINER_MODULE may name another module with the same exports.
import type { JobShape, TrainingConfig } from '@shapesweep/contract';
import type { BackendName, CellResult, CheckpointReportMessage, MetricPointMessage, ProgressMessage } from '../ipc.js';

export interface CellRunInput {
  runId: string;
  shape: JobShape;
  training: TrainingConfig;
  seed: number;
  checkpointDir: string;
  cacheDir: string;
  backend?: BackendName | undefined;
  /**
   * Must be awaited before every checkpoint is written: it resolves once every metric point sent so far is in
   * Postgres, so a run resumed from that checkpoint never has a gap in its curve.
   */
  beforeCheckpoint(): Promise<void>;
}

export interface CellRunHooks {
  /** Awaited: resolves when the points are buffered by the worker (slow when Postgres is down — backpressure). */
  onMetrics(points: MetricPointMessage[]): Promise<void>;
  onProgress(progress: Omit<ProgressMessage, 'type'>): void;
  onCheckpoint(checkpoint: CheckpointReportMessage): void;
  onLog(message: string): void;
  /** True once a cancel or shutdown was requested; checked at every step boundary. */
  shouldStop(): boolean;
}

export type CellOutcome = { status: 'completed'; result: CellResult } | { status: 'stopped'; step: number };

/** What a trainer module exports. */
export interface CellRunnerModule {
  /** Chooses and activates the tfjs backend in this process. */
  probeBackend(override: BackendName | undefined): Promise<{ name: string; reason: string }>;
  /** Trains the cell, resuming from its newest checkpoint when one exists. */
  runCell(input: CellRunInput, hooks: CellRunHooks): Promise<CellOutcome>;
}

/** The built-in trainer, or `moduleSpecifier` (absolute path or package name) when given. */
export async function loadCellRunner(moduleSpecifier: string | undefined): Promise<CellRunnerModule> {
  // Imported lazily: loading tfjs takes a second or two and the parent never needs it.
  const loaded: unknown = moduleSpecifier === undefined
    ? await import('./model-cell.js')
    : await import(moduleSpecifier.startsWith('/') ? `file://${moduleSpecifier}` : moduleSpecifier);
  const candidate = loaded as Partial<CellRunnerModule>;
  if (typeof candidate.runCell !== 'function' || typeof candidate.probeBackend !== 'function') {
    throw new Error(`trainer module ${moduleSpecifier ?? './model-cell.js'} must export runCell and probeBackend functions`);
  }
  return candidate as CellRunnerModule;
}
