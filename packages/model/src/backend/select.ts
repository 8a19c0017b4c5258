// Backend selection. One process trains with one TensorFlow.js backend, chosen once at start:
//   node-gpu (only when a CUDA device is visible) → node → wasm → cpu,
// or exactly the one the caller names (SHAPESWEEP_BACKEND, read by the caller's config module). A named backend that
// is not installed is an error, never a silent fallback: a sweep that silently trains on the pure-JS backend is 20×
// slower and its speed numbers would be wrong.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ShapesweepError } from '@shapesweep/contract';
import { registerWasmFastKernels } from './wasm-kernels.js';

export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The npm package that provides each backend (what the user installs). */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The name TensorFlow.js registers each backend under (`tf.getBackend()`). */
const TF_BACKEND_NAMES: Readonly<Record<BackendName, string>> = {
  'node-gpu': 'tensorflow',
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

export interface SelectBackendOptions {
  /** Use exactly this backend, or throw BACKEND_UNAVAILABLE. @defaultValue undefined (automatic order) */
  override?: BackendName | undefined;
  /** Receives one line saying which backend was chosen and why. @defaultValue undefined (silent) */
  log?: ((line: string) => void) | undefined;
}

export interface SelectedBackend {
  name: BackendName;
  /** Why this backend: what was probed and what was found. */
  reason: string;
}

const require = createRequire(import.meta.url);

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** True when a CUDA device is visible: `nvidia-smi -L` lists one, or /dev/nvidia0 exists. */
export function cudaDevicePresent(): boolean {
  if (existsSync('/dev/nvidia0')) return true;
  try {
    // 5 seconds: nvidia-smi answers in well under a second when a driver is loaded.
    const out = execFileSync('nvidia-smi', ['-L'], { timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.toString().includes('GPU');
  } catch {
    return false;
  }
}

async function loadNodeBinding(name: 'node-gpu' | 'node'): Promise<void> {
  // A variable specifier keeps TypeScript from resolving a package that is only an optional dependency.
  const spec: string = BACKEND_PACKAGES[name];
  await import(spec);
}

function wasmDistDirectory(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

let wasmPathsSet = false;

async function activate(name: BackendName): Promise<void> {
  // PROD silences tfjs's console banners ("looks like you are running TensorFlow.js in Node.js"); the choice and its
  // reason are logged by selectBackend instead.
  tf.env().set('PROD', true);
  if (name === 'node-gpu' || name === 'node') {
    await loadNodeBinding(name);
  } else if (name === 'wasm' && !wasmPathsSet) {
    // In Node the WASM binaries are read from disk; the trailing slash makes the prefix a directory.
    setWasmPaths(`${wasmDistDirectory()}${path.sep}`);
    wasmPathsSet = true;
  }
  const ok = await tf.setBackend(TF_BACKEND_NAMES[name]);
  if (!ok) throw new Error(`tf.setBackend('${TF_BACKEND_NAMES[name]}') returned false`);
  await tf.ready();
  if (name === 'wasm') registerWasmFastKernels();
}

function unavailable(name: BackendName, why: string, cause?: unknown): ShapesweepError {
  const pkg = BACKEND_PACKAGES[name];
  const hint =
    name === 'node-gpu'
      ? `install it on a CUDA machine with \`npm install ${pkg}@4.22.0 -w @shapesweep/model\` (needs CUDA 11.2 + cuDNN 8.1)`
      : `install it with \`npm install ${pkg}@4.22.0 -w @shapesweep/model\``;
  return new ShapesweepError('BACKEND_UNAVAILABLE', `backend '${name}' is not available: ${why}; ${hint}`, {
    details: [`backend: ${name}`, `package: ${pkg}`],
    cause,
  });
}

async function tryExactly(name: BackendName): Promise<SelectedBackend> {
  const pkg = BACKEND_PACKAGES[name];
  if (!isInstalled(pkg)) throw unavailable(name, `package ${pkg} is not installed`);
  if (name === 'node-gpu' && !cudaDevicePresent()) {
    throw unavailable(name, 'no CUDA device found (nvidia-smi -L lists none and /dev/nvidia0 is absent)');
  }
  try {
    await activate(name);
  } catch (err) {
    throw unavailable(name, `package ${pkg} failed to load (${(err as Error).message})`, err);
  }
  return { name, reason: `requested explicitly (SHAPESWEEP_BACKEND=${name})` };
}

/**
 * Chooses and activates the TensorFlow.js backend for this process; logs the choice and the reason.
 * @throws ShapesweepError BACKEND_UNAVAILABLE when `override` names a backend that is not installed or does not load.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const chosen = options.override === undefined ? await selectAutomatically() : await tryExactly(options.override);
  options.log?.(`tfjs backend: ${chosen.name} (${chosen.reason})`);
  return chosen;
}

async function selectAutomatically(): Promise<SelectedBackend> {
  const skipped: string[] = [];
  const cuda = cudaDevicePresent();
  for (const name of BACKEND_NAMES) {
    const pkg = BACKEND_PACKAGES[name];
    if (name === 'node-gpu' && !cuda) {
      skipped.push('node-gpu: no CUDA device');
      continue;
    }
    if (!isInstalled(pkg)) {
      skipped.push(`${name}: ${pkg} not installed`);
      continue;
    }
    try {
      await activate(name);
    } catch (err) {
      skipped.push(`${name}: failed to load (${(err as Error).message})`);
      continue;
    }
    const first = name === 'node-gpu' ? 'CUDA device present and ' : '';
    return { name, reason: `${first}first available in order node-gpu → node → wasm → cpu; skipped ${skipped.join('; ') || 'none'}` };
  }
  // Unreachable in practice: the cpu backend is a direct dependency.
  throw unavailable('cpu', `no backend could be loaded (${skipped.join('; ')})`);
}

/** Parses a SHAPESWEEP_BACKEND value; undefined or '' means automatic. Errors name the value. */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new ShapesweepError('CONFIG_INVALID', `SHAPESWEEP_BACKEND: '${value}' is not one of ${BACKEND_NAMES.join(', ')}`, {
    details: [`SHAPESWEEP_BACKEND: ${value}`],
  });
}
