// Global gradient-norm clipping: one norm over every gradient, so the update direction is kept and only its length
// is capped (Pascanu et al. 2013; what T5/nanoGPT call clip_grad_norm).
import * as tf from '@tensorflow/tfjs-core';

export interface ClippedGradients {
  /** The (possibly rescaled) gradients; the caller owns and must dispose them. */
  readonly grads: Map<string, tf.Tensor>;
  /** L2 norm of all gradients together, before clipping. */
  readonly norm: number;
  /** Factor every gradient was multiplied by (1 when not clipped). */
  readonly scale: number;
}

/** L2 norm over all tensors together (reads one scalar back from the backend). */
export function globalNorm(tensors: Iterable<tf.Tensor>): number {
  const list = [...tensors];
  if (list.length === 0) return 0;
  const squared = tf.tidy(() => tf.addN(list.map((t) => tf.sum(tf.square(tf.cast(t, 'float32'))))));
  const value = squared.dataSync()[0] ?? 0;
  squared.dispose();
  return Math.sqrt(value);
}

/**
 * Rescales the gradients so that their global L2 norm is at most `maxNorm`; `maxNorm` = 0 disables clipping.
 * Consumes `grads`: tensors that are rescaled are disposed and replaced, the others are passed through.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): ClippedGradients {
  if (maxNorm < 0 || !Number.isFinite(maxNorm)) throw new RangeError(`maxNorm: ${maxNorm} must be a finite number >= 0`);
  const norm = globalNorm(grads.values());
  if (maxNorm === 0 || !(norm > maxNorm)) return { grads, norm, scale: 1 };
  const scale = maxNorm / norm;
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) {
    out.set(name, tf.tidy(() => tf.mul(g, scale)));
    g.dispose();
  }
  return { grads: out, norm, scale };
}
