// Does pretraining help? Trains one CPU-scale cell twice with the same seed and the same finetuning steps: once
// pretrained on the default corpus (span corruption), once finetuned from its random initialisation (the "no
// pretraining" baseline, runCell's skipPretraining), and compares the rank-classification scores per task next to
// DATA.md's bag-of-words Naive Bayes floors (recomputed here with packages/data).
// Writes bench/results/pretrain-vs-scratch.json. Run after building:
//   node packages/model/dist/bench/pretrain-vs-scratch.js [--cell tiny@w1/8] [--vocab 2048] [--pretrain-steps 300]
//     [--finetune-steps 150] [--finetune-lr 1e-3] [--eval-examples 400] [--seed 1] [--tasks sentiment,spam,genre,wic]
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_TASKS, TrainingConfigSchema, type TaskName, type TrainJobResult } from '@shapesweep/contract';
import { loadTask, naiveBayesScores, type Task } from '@shapesweep/data';
import { countParams, resolveCellName } from '@shapesweep/shapes';
import { LocalDirectoryStorage } from '../checkpoint/local-directory.js';
import { runCell } from '../run-cell.js';
import type { CellHooks } from '../train/hooks.js';

interface Options {
  cell: string;
  vocab: number;
  pretrainSteps: number;
  finetuneSteps: number;
  finetuneLearningRate: number;
  pretrainLearningRate: number | undefined;
  evalExamples: number;
  seed: number;
  tasks: TaskName[];
  inputLength: number;
  targetLength: number;
  cacheDir: string;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const options: Options = {
    cell: 'tiny@w1/8',
    vocab: 2048,
    pretrainSteps: 300,
    finetuneSteps: 150,
    finetuneLearningRate: 1e-3,
    pretrainLearningRate: undefined,
    evalExamples: 400,
    seed: 1,
    tasks: [...BUILTIN_TASKS],
    inputLength: 128,
    targetLength: 32,
    cacheDir: path.join(tmpdir(), 'shapesweep-bench-cache'),
    out: path.resolve(here, '../../../../bench/results/pretrain-vs-scratch.json'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--cell') options.cell = value;
    else if (flag === '--vocab') options.vocab = Number(value);
    else if (flag === '--pretrain-steps') options.pretrainSteps = Number(value);
    else if (flag === '--finetune-steps') options.finetuneSteps = Number(value);
    else if (flag === '--finetune-lr') options.finetuneLearningRate = Number(value);
    else if (flag === '--pretrain-lr') options.pretrainLearningRate = Number(value);
    else if (flag === '--eval-examples') options.evalExamples = Number(value);
    else if (flag === '--seed') options.seed = Number(value);
    else if (flag === '--tasks') options.tasks = value.split(',') as TaskName[];
    else if (flag === '--input-length') options.inputLength = Number(value);
    else if (flag === '--target-length') options.targetLength = Number(value);
    else if (flag === '--cache-dir') options.cacheDir = path.resolve(value);
    else if (flag === '--out') options.out = path.resolve(value);
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}


function quietHooks(label: string): CellHooks {
  let lastLine = 0;
  return {
    onMetrics: () => undefined,
    onProgress: (p) => {
      // One line every 20 s: enough to see it move without flooding the terminal.
      if (Date.now() - lastLine > 20_000) {
        lastLine = Date.now();
        process.stdout.write(`[${label}] ${p.phase} step ${p.step}/${p.totalSteps}, ${p.tokensPerSecond.toFixed(0)} tokens/s, eta ${p.etaSeconds?.toFixed(0) ?? '?'} s\n`);
      }
    },
    onCheckpoint: () => undefined,
    onLog: (line) => process.stdout.write(`[${label}] ${line}\n`),
    shouldStop: () => false,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { shape: cellShape, name } = resolveCellName(options.cell, { vocab: options.vocab });
  const shape = { ...cellShape };
  const training = TrainingConfigSchema.parse({
    pretrain: {
      steps: options.pretrainSteps, inputLength: options.inputLength, targetLength: options.targetLength,
      ...(options.pretrainLearningRate === undefined ? {} : { learningRate: options.pretrainLearningRate }),
      evalEvery: Math.max(1, Math.floor(options.pretrainSteps / 4)),
    },
    finetune: { tasks: options.tasks, steps: options.finetuneSteps, learningRate: options.finetuneLearningRate, evalExamples: options.evalExamples, inputLength: options.inputLength },
    checkpointEvery: 1_000_000,
  });
  const tasks = new Map<string, Task>();
  for (const task of options.tasks) tasks.set(task, await loadTask(task, { cacheDir: options.cacheDir }));
  const dir = await mkdtemp(path.join(tmpdir(), 'pretrain-vs-scratch-'));
  const run = async (label: string, skipPretraining: boolean): Promise<{ result: TrainJobResult; seconds: number }> => {
    const started = performance.now();
    const outcome = await runCell(
      {
        runId: label, shape, training, seed: options.seed, storage: new LocalDirectoryStorage(path.join(dir, 'checkpoints'), { keepLast: 1 }),
        cacheDir: options.cacheDir, skipPretraining, loadTask: (task) => Promise.resolve(tasks.get(task) as Task),
      },
      quietHooks(label),
    );
    if (outcome.status !== 'completed') throw new Error(`${label} stopped at step ${outcome.step}`);
    return { result: outcome.result, seconds: (performance.now() - started) / 1000 };
  };
  try {
    const pretrained = await run('pretrained', false);
    const scratch = await run('scratch', true);
    const accuracy = (r: TrainJobResult, task: string) => r.scores.find((s) => s.task === task && s.metric === 'accuracy')?.value ?? Number.NaN;
    const perTask = options.tasks.map((task) => {
      const nb = naiveBayesScores(tasks.get(task) as Task);
      return {
        task,
        pretrainedAccuracy: accuracy(pretrained.result, task),
        scratchAccuracy: accuracy(scratch.result, task),
        naiveBayesAccuracy: nb.accuracy,
        majorityAccuracy: nb.majorityAccuracy,
        ...(task === 'genre'
          ? {
              pretrainedMacroF1: pretrained.result.scores.find((s) => s.task === task && s.metric === 'macro_f1')?.value ?? null,
              scratchMacroF1: scratch.result.scores.find((s) => s.task === task && s.metric === 'macro_f1')?.value ?? null,
            }
          : {}),
      };
    });
    const wins = perTask.filter((t) => t.pretrainedAccuracy > t.scratchAccuracy).map((t) => t.task);
    const report = {
      generatedAt: new Date().toISOString(),
      cell: name,
      shape,
      params: countParams(shape).params,
      seed: options.seed,
      training,
      backend: pretrained.result.backend,
      loadAverage1m: loadavg()[0],
      pretrained: { ...pretrained.result, seconds: pretrained.seconds },
      scratch: { ...scratch.result, seconds: scratch.seconds },
      perTask,
      pretrainedWinsOn: wins,
      verdict: wins.length >= 2 ? 'pretraining helps (wins on at least 2 tasks)' : 'pretraining does not win on 2 tasks at these settings',
    };
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\ncell ${name} (${report.params} params), ${options.pretrainSteps} pretraining + ${options.finetuneSteps}×${options.tasks.length} finetuning steps\n`);
    process.stdout.write(`upstream eval loss: pretrained ${pretrained.result.evalLoss.toFixed(3)}, untrained ${scratch.result.evalLoss.toFixed(3)}\n`);
    process.stdout.write('task        pretrained  scratch  NaiveBayes  majority\n');
    for (const t of perTask) {
      process.stdout.write(`${t.task.padEnd(11)} ${t.pretrainedAccuracy.toFixed(3).padStart(10)} ${t.scratchAccuracy.toFixed(3).padStart(8)} ${t.naiveBayesAccuracy.toFixed(3).padStart(11)} ${t.majorityAccuracy.toFixed(3).padStart(9)}\n`);
    }
    process.stdout.write(`wall: pretrained ${pretrained.seconds.toFixed(0)} s, scratch ${scratch.seconds.toFixed(0)} s; ${report.verdict}\nwrote ${options.out}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
