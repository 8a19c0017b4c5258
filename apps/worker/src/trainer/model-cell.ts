// The only model-specific module of the worker: adapts @shapesweep/model's runCell to the cell-runner contract.
// Everything else in the trainer child (IPC, heartbeats, stop requests) is generic.
import { LocalDirectoryStorage, runCell as runModelCell, selectBackend, type Checkpoint, type CheckpointStorage, type SavedCheckpoint } from '@shapesweep/model';
import type { BackendName } from '../ipc.js';
import type { CellOutcome, CellRunHooks, CellRunInput } from './cell-runner.js';

export async function probeBackend(override: BackendName | undefined): Promise<{ name: string; reason: string }> {
  const chosen = await selectBackend({ override });
  return { name: chosen.name, reason: chosen.reason };
}

/**
 * Storage that makes every metric point sent so far durable before a checkpoint lands: a run resumed from that
 * checkpoint re-logs only the steps after it, so a worker killed between a flush and a checkpoint can never leave a
 * gap in the curve.
 */
class FlushBeforeSave implements CheckpointStorage {
  readonly #inner: CheckpointStorage;
  readonly #beforeSave: () => Promise<void>;

  constructor(inner: CheckpointStorage, beforeSave: () => Promise<void>) {
    this.#inner = inner;
    this.#beforeSave = beforeSave;
  }

  async save(runId: string, checkpoint: Checkpoint): Promise<SavedCheckpoint> {
    await this.#beforeSave();
    return this.#inner.save(runId, checkpoint);
  }

  latest(runId: string): ReturnType<CheckpointStorage['latest']> {
    return this.#inner.latest(runId);
  }

  list(runId: string): ReturnType<CheckpointStorage['list']> {
    return this.#inner.list(runId);
  }

  load(uri: string): ReturnType<CheckpointStorage['load']> {
    return this.#inner.load(uri);
  }
}

export async function runCell(input: CellRunInput, hooks: CellRunHooks): Promise<CellOutcome> {
  const outcome = await runModelCell(
    {
      runId: input.runId,
      shape: input.shape,
      training: input.training,
      seed: input.seed,
      storage: new FlushBeforeSave(new LocalDirectoryStorage(input.checkpointDir), input.beforeCheckpoint),
      cacheDir: input.cacheDir,
      backend: input.backend,
    },
    {
      onMetrics: (points) => hooks.onMetrics(points.map((p) => ({ phase: p.phase, name: p.name, step: p.step, value: p.value, wallTime: p.wallTime }))),
      onProgress: (progress) => hooks.onProgress({ ...progress }),
      onCheckpoint: (checkpoint) => hooks.onCheckpoint({ ...checkpoint, removed: [...checkpoint.removed] }),
      onLog: (message) => hooks.onLog(message),
      shouldStop: () => hooks.shouldStop(),
    },
  );
  if (outcome.status === 'stopped') return { status: 'stopped', step: outcome.step };
  const { runId: _runId, ...result } = outcome.result;
  return { status: 'completed', result };
}
