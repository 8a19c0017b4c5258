// Training-step benchmark: for each installed backend and each CPU-scale shape, ms/step, tokens/s and achieved
// GFLOP/s (shapes-package accounting) against the backend's own matmul ceiling, plus memory over the timed steps.
// Writes bench/results/train.json and prints a table. Run: `npm run bench:train [-- --steps 3 --flatness-steps 1000]`.
//
// Timing is reported twice: wall clock, and process CPU time (user + system). This machine's cores are shared, so
// wall-clock rates move with the neighbours' load; the ratio of CPU-time rates (step vs ceiling, both single-thread
// WASM/JS) is the figure that compares across runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { countParams, resolveCellName, trainFlopsPerExample, type Shape } from '@shapesweep/shapes';
import { isShapesweepError } from '@shapesweep/contract';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../backend/select.js';
import { createT5, type T5Batch } from '../t5/model.js';

interface BenchShape {
  /** Cell name (shapes grammar). */
  name: string;
  /** Why it is in the bench. */
  role: string;
}

/** The demo's CPU-scale cells, a DeepNarrow cell, and the reference shapes (vocab 8192, 16 × 128/32). */
const SHAPES: BenchShape[] = [
  { name: 'tiny@w1/8', role: 'demo cell (tiny at widthScale 1/8)' },
  { name: 'base@w1/8', role: 'demo cell (base at widthScale 1/8)' },
  { name: 'small-nl16@w1/8', role: 'DeepNarrow cell (small, 16+16 layers, widthScale 1/8)' },
  { name: 'tiny', role: 'reference shape: d256 / 4+4 / 9.4M params (issue: PyTorch 0.82 s/step)' },
  { name: 'tiny-nl8-dm128-ff512-nh2', role: 'reference deep-narrow: d128 / 8+8 / 4.7M params (issue: PyTorch 0.53 s/step)' },
];
const VOCAB = 8192;
const BATCH = 16;
const INPUT_LENGTH = 128;
const TARGET_LENGTH = 32;
/** The pure-JS backend runs ≈ 20× slower than WASM (≈ 90 s per step at the reference shape): smallest cell only. */
const CPU_BACKEND_MAX_PARAMS = 1_000_000;

interface Options {
  steps: number;
  flatnessSteps: number;
  backends: BackendName[] | undefined;
  shapes: string[] | undefined;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const options: Options = {
    // 3 timed steps after 1 warm-up step. @defaultValue 3
    steps: 3,
    // Extra steps on tiny@w1/8, first backend only, for the memory-flatness series (the full check is 1000).
    // @defaultValue 50
    flatnessSteps: 50,
    backends: undefined,
    shapes: undefined,
    out: path.resolve(here, '../../../../bench/results/train.json'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--steps') options.steps = Math.max(1, Number(value));
    else if (flag === '--flatness-steps') options.flatnessSteps = Math.max(0, Number(value));
    else if (flag === '--backends') options.backends = value.split(',') as BackendName[];
    else if (flag === '--shapes') options.shapes = value.split(',');
    else if (flag === '--out') options.out = path.resolve(value);
    else throw new Error(`unknown option ${flag} (known: --steps, --flatness-steps, --backends, --shapes, --out)`);
  }
  return options;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

/** Seconds of wall and CPU time for `fn`, averaged over `reps` after one warm-up call. */
function time(fn: () => void, reps: number): { wallMs: number; cpuMs: number } {
  fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return { wallMs: (performance.now() - t0) / reps, cpuMs: cpuMs(c0) / reps };
}

interface Ceiling {
  n: number;
  wallGflops: number;
  cpuGflops: number;
}

/** The backend's own square-matmul rate (single product, no transposes: its best case), as a reusable sampler. */
function ceilingSampler(backend: BackendName): { n: number; sample: () => { wallMs: number; cpuMs: number }; dispose: () => void } {
  const n = backend === 'cpu' ? 512 : 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  return { n, sample: () => time(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 1), dispose: () => tf.dispose([a, b]) };
}

function matmulCeiling(backend: BackendName, reps: number): Ceiling {
  const sampler = ceilingSampler(backend);
  let wall = 0;
  let cpu = 0;
  for (let i = 0; i < reps; i++) {
    const t = sampler.sample();
    wall += t.wallMs;
    cpu += t.cpuMs;
  }
  sampler.dispose();
  const flops = 2 * sampler.n ** 3 * reps;
  return { n: sampler.n, wallGflops: flops / wall / 1e6, cpuGflops: flops / cpu / 1e6 };
}

function randomBatch(vocab: number): T5Batch {
  let state = 12345;
  const ids = (n: number): Int32Array =>
    Int32Array.from({ length: n }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return 1 + (state % (vocab - 1));
    });
  const decoderTarget = ids(BATCH * TARGET_LENGTH);
  const decoderInput = new Int32Array(decoderTarget.length);
  for (let i = 0; i < decoderTarget.length; i++) decoderInput[i] = i % TARGET_LENGTH === 0 ? 0 : (decoderTarget[i - 1] as number);
  return {
    encoderInput: tf.tensor2d(ids(BATCH * INPUT_LENGTH), [BATCH, INPUT_LENGTH], 'int32'),
    decoderInput: tf.tensor2d(decoderInput, [BATCH, TARGET_LENGTH], 'int32'),
    decoderTarget: tf.tensor2d(decoderTarget, [BATCH, TARGET_LENGTH], 'int32'),
    targetMask: tf.ones([BATCH, TARGET_LENGTH]) as tf.Tensor2D,
  };
}

interface MemoryPoint {
  step: number;
  numTensors: number;
  numBytes: number;
  rssBytes: number;
  /** Size of the WASM linear memory (grows to the peak, never shrinks); 0 on other backends. */
  wasmHeapBytes: number;
}

interface ShapeResult {
  name: string;
  role: string;
  shape: Shape;
  params: number;
  trainFlopsPerStep: number;
  msPerStep: number;
  cpuMsPerStep: number;
  tokensPerSecond: number;
  gflopsWall: number;
  gflopsCpu: number;
  /** The matmul ceiling sampled between this shape's timed steps (CPU-time GFLOP/s). */
  interleavedCeilingGflops: number;
  /** gflopsCpu / interleavedCeilingGflops — the target is ≥ 0.6 at the reference shape. */
  ceilingRatio: number;
  loss: number;
  memory: MemoryPoint[];
}

function memoryPoint(step: number): MemoryPoint {
  const m = tf.memory();
  // Internal field of the WASM backend (the Emscripten module's heap view), read for diagnostics only.
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length ?? 0;
  return { step, numTensors: m.numTensors, numBytes: m.numBytes, rssBytes: process.memoryUsage().rss, wasmHeapBytes: heap };
}

/** One step as the trainer runs it: forward + backward (tf.variableGrads) and a plain SGD update. */
function benchShape(entry: BenchShape, shape: Shape, steps: number, backend: BackendName, extraSteps: number): ShapeResult {
  const model = createT5(shape, { seed: 1 });
  const batch = randomBatch(shape.vocab);
  const vars = model.trainableVariables();
  let loss = NaN;
  const step = (): void =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, tf.scalar(1e-3))));
      loss = value.dataSync()[0] as number;
    });
  const memory: MemoryPoint[] = [];
  // Created before the first memory point so its two operands do not show up as growth.
  const sampler = ceilingSampler(backend);
  step();
  memory.push(memoryPoint(1));
  // Steps and ceiling samples alternate, so both see the same neighbours' load.
  let wallMs = 0;
  let stepCpuMs = 0;
  let ceilingCpuMs = 0;
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    wallMs += performance.now() - t0;
    stepCpuMs += cpuMs(c0);
    memory.push(memoryPoint(i + 2));
    ceilingCpuMs += sampler.sample().cpuMs;
  }
  const msPerStep = wallMs / steps;
  const cpuMsPerStep = stepCpuMs / steps;
  const interleavedCeilingGflops = (2 * sampler.n ** 3 * steps) / ceilingCpuMs / 1e6;
  for (let i = 0; i < extraSteps; i++) {
    step();
    if ((i + 1) % Math.max(1, Math.floor(extraSteps / 10)) === 0) memory.push(memoryPoint(steps + 2 + i));
  }
  sampler.dispose();
  tf.dispose([batch.encoderInput, batch.decoderInput, batch.decoderTarget, batch.targetMask]);
  model.dispose();
  const flops = BATCH * trainFlopsPerExample(shape, { inputLength: INPUT_LENGTH, targetLength: TARGET_LENGTH });
  const gflopsCpu = flops / cpuMsPerStep / 1e6;
  return {
    name: entry.name,
    role: entry.role,
    shape,
    params: countParams(shape).params,
    trainFlopsPerStep: flops,
    msPerStep,
    cpuMsPerStep,
    tokensPerSecond: (BATCH * (INPUT_LENGTH + TARGET_LENGTH)) / (msPerStep / 1000),
    gflopsWall: flops / msPerStep / 1e6,
    gflopsCpu,
    interleavedCeilingGflops,
    ceilingRatio: gflopsCpu / interleavedCeilingGflops,
    loss,
    memory,
  };
}

interface TorchResult {
  status: string;
  results?: unknown;
}

/** PyTorch reference (bench/reference/t5_step.py) when `import torch` works; otherwise why not. */
function torchReference(root: string, shapes: Array<{ name: string; shape: Shape }>): TorchResult {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    return { status: 'not installed (python3 -c "import torch" fails)' };
  }
  const script = path.join(root, 'bench/reference/t5_step.py');
  const results = shapes.map(({ name, shape }) => {
    const args = [script, '--el', shape.el, '--dl', shape.dl, '--dm', shape.dm, '--ff', shape.ff, '--nh', shape.nh,
      '--kv', shape.kv, '--vocab', shape.vocab, '--batch', BATCH, '--input-length', INPUT_LENGTH,
      '--target-length', TARGET_LENGTH, '--threads', 1].map(String);
    const out = execFileSync('python3', args, { timeout: 600_000 }).toString();
    return { name, ...(JSON.parse(out) as object) };
  });
  return { status: 'ran', results };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = path.resolve(path.dirname(options.out), '../..');
  const shapes = SHAPES.filter((s) => options.shapes === undefined || options.shapes.includes(s.name)).map((s) => ({
    ...s,
    shape: resolveCellName(s.name, { vocab: VOCAB }).shape,
  }));
  const backends: Array<Record<string, unknown>> = [];
  // The bench's output is its table: console is the interface here. Rows print as they finish (a full run takes
  // minutes on a shared machine).
  const print = (line: string): void => console.log(line);
  for (const backend of options.backends ?? BACKEND_NAMES) {
    try {
      await selectBackend({ override: backend });
    } catch (err) {
      if (!isShapesweepError(err)) throw err;
      backends.push({ backend, status: 'not installed', reason: err.message });
      print(`${backend}: not available (${err.message.split(';')[0]})`);
      continue;
    }
    const ceiling = matmulCeiling(backend, backend === 'cpu' ? 2 : 5);
    print(`${backend}: matmul ceiling ${ceiling.cpuGflops.toFixed(1)} GFLOP/s per CPU-second (${ceiling.wallGflops.toFixed(1)} wall), ${ceiling.n}² product`);
    const results: ShapeResult[] = [];
    const skipped: string[] = [];
    for (const entry of shapes) {
      const params = countParams(entry.shape).params;
      if (backend === 'cpu' && params > CPU_BACKEND_MAX_PARAMS) {
        skipped.push(`${entry.name} (${(params / 1e6).toFixed(1)}M params: minutes per step on the pure-JS backend)`);
        continue;
      }
      // The flatness series runs once, on the fastest installed backend (the first in the order that ran).
      const extra = entry.name === 'tiny@w1/8' && !backends.some((b) => b['status'] === 'ran') ? options.flatnessSteps : 0;
      const r = benchShape(entry, entry.shape, options.steps, backend, extra);
      results.push(r);
      print(
        `  ${pad(r.name, 26)} ${pad((r.params / 1e6).toFixed(2) + 'M', 7)} ${pad((r.trainFlopsPerStep / 1e9).toFixed(1) + ' GF', 9)}` +
          ` ${pad(r.msPerStep.toFixed(0) + ' ms', 9)} cpu ${pad(r.cpuMsPerStep.toFixed(0) + ' ms', 9)} ${pad(r.tokensPerSecond.toFixed(0) + ' tok/s', 12)}` +
          ` ${pad(r.gflopsCpu.toFixed(1) + ' GFLOP/s', 14)} ${(100 * r.ceilingRatio).toFixed(0)}% of ${r.interleavedCeilingGflops.toFixed(1)}` +
          `  tensors ${r.memory[0]?.numTensors}→${r.memory.at(-1)?.numTensors}`,
      );
    }
    backends.push({ backend, status: 'ran', ceiling, results, skipped });
  }
  const torch = torchReference(root, shapes.filter((s) => s.name === 'tiny' || s.name === 'tiny-nl8-dm128-ff512-nh2'));
  print(`pytorch reference: ${torch.status}`);
  const report = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    loadAverage: loadavg(),
    batch: { batchSize: BATCH, inputLength: INPUT_LENGTH, targetLength: TARGET_LENGTH, vocab: VOCAB },
    options: { steps: options.steps, flatnessSteps: options.flatnessSteps },
    backends,
    pytorch: torch,
  };
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${options.out}`);
}

await main();
