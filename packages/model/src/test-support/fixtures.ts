// Shared fixtures of the training tests: a tiny shape, a small in-memory corpus, a synthetic task, hooks that
// record everything. Excluded from the build (tsconfig.build.json).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TrainingConfigSchema, type JobShape, type TrainingConfig, type TrainingConfigInput } from '@shapesweep/contract';
import { buildCorpus, Rng, type Corpus } from '@shapesweep/data';
import { LocalDirectoryStorage } from '../checkpoint/local-directory.js';
import type { ClassificationTask, TaskExample } from '../train/classification.js';
import type { CellHooks, CheckpointReport, MetricPoint, ProgressReport } from '../train/hooks.js';
import type { RunCellConfig } from '../run-cell.js';

export const TINY_SHAPE: JobShape = { el: 2, dl: 2, dm: 32, ff: 64, nh: 2, kv: 16, vocab: 512 };

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog, and the dog sleeps in the warm afternoon sun.',
  'In the beginning the river was quiet; then the rain came and the river rose over its banks.',
  'Fellow citizens, the state of the union is strong, and the economy grows a little every year.',
  'She said that she would not go there again, and she closed the heavy door behind her.',
  'The old ship sailed north along the coast, past the lighthouse and the sleeping fishing town.',
  'Farmers planted wheat and corn in the spring, and the harvest in the autumn was a good one.',
];

/** Six documents of ~3 kB each (long enough to have a held-out tail), built from the sentences above. */
export function tinyCorpus(): Corpus {
  const rng = Rng.fromSeed(1);
  const documents = Array.from({ length: 6 }, (_, d) =>
    Array.from({ length: 36 }, () => SENTENCES[rng.nextInt(SENTENCES.length)] as string).join(' ') + ` Document ${d}.`,
  );
  return buildCorpus('tiny-test', documents);
}

/** Tiny-scale training config: 4 × 32/8-token examples per step. */
export function tinyTraining(input: TrainingConfigInput = {}): TrainingConfig {
  return TrainingConfigSchema.parse({
    ...input,
    pretrain: { steps: 6, batchSize: 4, inputLength: 32, targetLength: 8, evalEvery: 3, evalBatches: 1, warmupSteps: 2, ...input.pretrain },
    finetune: { tasks: [], steps: 4, batchSize: 8, inputLength: 48, evalExamples: 24, ...input.finetune },
  });
}

const FRUIT = ['apple', 'pear', 'plum', 'grape'];
const TOOL = ['hammer', 'saw', 'drill', 'wrench'];
const FILLER = ['the', 'a', 'big', 'small', 'red', 'old', 'new', 'my', 'his', 'near', 'on', 'table', 'box', 'is', 'was'];

/**
 * A two-label task that a tiny model can learn in a few dozen steps: is the keyword a fruit or a tool? Standing in
 * for a built-in task, it reports that task's metrics (genre adds macro-F1, as data's genre task does).
 */
export function keywordTask(name: string, seed = 3): ClassificationTask {
  const rng = Rng.fromSeed(seed);
  const example = (): TaskExample => {
    const isFruit = rng.nextInt(2) === 0;
    const keyword = (isFruit ? FRUIT : TOOL)[rng.nextInt(4)] as string;
    const words = Array.from({ length: 3 }, () => FILLER[rng.nextInt(FILLER.length)] as string);
    words.splice(rng.nextInt(4), 0, keyword);
    return { input: words.join(' '), label: isFruit ? 'fruit' : 'tool' };
  };
  const metrics = name === 'genre' ? ['accuracy', 'macro_f1'] : ['accuracy'];
  return { name, labels: ['fruit', 'tool'], train: Array.from({ length: 1000 }, example), validation: Array.from({ length: 40 }, example), metrics };
}

export interface RecordingHooks {
  readonly hooks: CellHooks;
  readonly metrics: MetricPoint[];
  readonly progress: ProgressReport[];
  readonly checkpoints: CheckpointReport[];
  /** train_loss by global step. */
  lossByStep(): Map<number, number>;
}

/** Hooks that record everything; `stopAfterStep` makes shouldStop() true once progress reached that step. */
export function recordingHooks(stopAfterStep?: number): RecordingHooks {
  const metrics: MetricPoint[] = [];
  const progress: ProgressReport[] = [];
  const checkpoints: CheckpointReport[] = [];
  const hooks: CellHooks = {
    onMetrics: (points) => void metrics.push(...points),
    onProgress: (p) => void progress.push(p),
    onCheckpoint: (c) => void checkpoints.push(c),
    shouldStop: () => stopAfterStep !== undefined && (progress.at(-1)?.step ?? 0) >= stopAfterStep,
  };
  return {
    hooks, metrics, progress, checkpoints,
    lossByStep: () => new Map(metrics.filter((m) => m.name === 'train_loss').map((m) => [m.step, m.value])),
  };
}

/** A temp directory with a checkpoint storage and a cache dir inside; `cleanup` removes it. */
export async function tempRunDirs(): Promise<{ dir: string; storage: LocalDirectoryStorage; cacheDir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shapesweep-train-'));
  return {
    dir,
    storage: new LocalDirectoryStorage(path.join(dir, 'checkpoints'), { keepLast: 100 }),
    cacheDir: path.join(dir, 'cache'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A runCell config on the tiny shape and corpus, with synthetic tasks for the built-in task names. */
export function tinyCellConfig(base: Pick<RunCellConfig, 'storage' | 'cacheDir'> & Partial<RunCellConfig>): RunCellConfig {
  return {
    runId: 'run-test',
    shape: TINY_SHAPE,
    training: tinyTraining(),
    seed: 11,
    backend: 'wasm',
    corpus: tinyCorpus(),
    loadTask: (name) => Promise.resolve(keywordTask(name)),
    ...base,
  };
}
