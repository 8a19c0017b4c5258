import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isShapesweepError } from '@shapesweep/contract';
import { cudaDevicePresent, parseBackendName, selectBackend } from './select.js';

const require = createRequire(import.meta.url);
const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('selectBackend', () => {
  it('refuses an override naming a backend that is not installed, and names the npm package to install', async () => {
    if (installed('@tensorflow/tfjs-node')) return expect(installed('@tensorflow/tfjs-node')).toBe(true);
    const err = await errorOf(selectBackend({ override: 'node' }));
    expect(isShapesweepError(err) && err.code).toBe('BACKEND_UNAVAILABLE');
    expect((err as Error).message).toContain('@tensorflow/tfjs-node');
    expect((err as Error).message).toContain('npm install');
  });

  it('refuses node-gpu when its package is missing instead of falling back silently', async () => {
    if (installed('@tensorflow/tfjs-node-gpu')) return expect(cudaDevicePresent()).toBe(true);
    const before = tf.getBackend();
    const err = await errorOf(selectBackend({ override: 'node-gpu' }));
    expect(isShapesweepError(err) && err.code).toBe('BACKEND_UNAVAILABLE');
    expect((err as Error).message).toContain('@tensorflow/tfjs-node-gpu');
    expect(tf.getBackend()).toBe(before);
  });

  it('picks the first available backend in the order node-gpu → node → wasm → cpu and says why', async () => {
    const lines: string[] = [];
    const chosen = await selectBackend({ log: (l) => lines.push(l) });
    const expected = cudaDevicePresent() && installed('@tensorflow/tfjs-node-gpu') ? 'node-gpu' : installed('@tensorflow/tfjs-node') ? 'node' : 'wasm';
    expect(chosen.name).toBe(expected);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`tfjs backend: ${expected}`);
    if (expected === 'wasm') {
      expect(tf.getBackend()).toBe('wasm');
      expect(chosen.reason).toContain('@tensorflow/tfjs-node not installed');
    }
  });

  it('activates exactly the requested installed backend', async () => {
    expect((await selectBackend({ override: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend({ override: 'wasm' })).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('parseBackendName', () => {
  it('treats an empty or missing SHAPESWEEP_BACKEND as automatic and rejects unknown names by value', () => {
    expect(parseBackendName(undefined)).toBeUndefined();
    expect(parseBackendName('')).toBeUndefined();
    expect(parseBackendName('wasm')).toBe('wasm');
    expect(() => parseBackendName('webgl')).toThrow(/SHAPESWEEP_BACKEND: 'webgl'/);
  });
});
