// Adafactor (Shazeer & Stern 2018) as T5 trains with it: no momentum, second moments factored into row and column
// running averages for matrices (O(n+m) memory instead of O(nm)), decay rate 1 - t^-0.8, update clipping at RMS 1,
// and the step scaled by each parameter's RMS ("multiply_by_parameter_scale"), so the schedule's learning rate is a
// *relative* step size.
import * as tf from '@tensorflow/tfjs-core';
import { SlotStore, type Optimizer, type OptimizerState } from './optimizer.js';

export interface AdafactorOptions {
  /** Added to squared gradients so the second moment never reaches 0. @defaultValue 1e-30 */
  readonly epsilon1?: number;
  /** Floor of the parameter RMS that scales the step (so zero-initialised weights still move). @defaultValue 1e-3 */
  readonly epsilon2?: number;
  /** Updates whose RMS exceeds this are scaled down to it. @defaultValue 1 */
  readonly clipThreshold?: number;
  /** Exponent of the decay rate 1 - t^(-decayExponent). @defaultValue 0.8 */
  readonly decayExponent?: number;
}

/** A variable of rank >= 2 gets factored (row + column) second moments over its last two axes. */
export function isFactored(shape: readonly number[]): boolean {
  return shape.length >= 2;
}

export class Adafactor implements Optimizer {
  readonly name = 'adafactor' as const;
  #step = 0;
  readonly #variables: ReadonlyMap<string, tf.Variable>;
  readonly #slots = new SlotStore();
  readonly #epsilon1: number;
  readonly #epsilon2: number;
  readonly #clipThreshold: number;
  readonly #decayExponent: number;

  constructor(variables: ReadonlyMap<string, tf.Variable>, options: AdafactorOptions = {}) {
    this.#variables = variables;
    this.#epsilon1 = options.epsilon1 ?? 1e-30;
    this.#epsilon2 = options.epsilon2 ?? 1e-3;
    this.#clipThreshold = options.clipThreshold ?? 1;
    this.#decayExponent = options.decayExponent ?? 0.8;
    for (const [name, v] of variables) {
      if (isFactored(v.shape)) {
        // Row statistics drop the last axis, column statistics the second to last.
        this.#slots.add(`${name}/vr`, v.shape.slice(0, -1));
        this.#slots.add(`${name}/vc`, [...v.shape.slice(0, -2), v.shape[v.shape.length - 1] as number]);
      } else {
        this.#slots.add(`${name}/v`, v.shape);
      }
    }
  }

  get step(): number {
    return this.#step;
  }

  /** Shapes of the slot tensors, by slot name (for tests and inspection). */
  slotShapes(): Map<string, number[]> {
    return new Map([...this.#slots.slots].map(([name, v]) => [name, [...v.shape]]));
  }

  apply(grads: ReadonlyMap<string, tf.Tensor>, learningRate: number): void {
    this.#step += 1;
    const decay = 1 - Math.pow(this.#step, -this.#decayExponent); // 0 at t = 1: the first moment estimate is g².
    tf.tidy(() => {
      for (const [name, param] of this.#variables) {
        const g = grads.get(name);
        if (g === undefined) continue;
        const g2 = tf.add(tf.square(g), this.#epsilon1);
        let update: tf.Tensor;
        if (isFactored(param.shape)) {
          const vr = this.#slots.get(`${name}/vr`);
          const vc = this.#slots.get(`${name}/vc`);
          const vrNew = tf.add(tf.mul(vr, decay), tf.mul(tf.mean(g2, -1), 1 - decay));
          const vcNew = tf.add(tf.mul(vc, decay), tf.mul(tf.mean(g2, -2), 1 - decay));
          vr.assign(vrNew);
          vc.assign(vcNew);
          // v̂ = vr ⊗ vc / mean(vr): the rank-1 approximation of the full second moment.
          const rowFactor = tf.rsqrt(tf.div(vrNew, tf.mean(vrNew, -1, true)));
          const colFactor = tf.rsqrt(vcNew);
          update = tf.mul(tf.mul(g, tf.expandDims(rowFactor, -1)), tf.expandDims(colFactor, -2));
        } else {
          const v = this.#slots.get(`${name}/v`);
          const vNew = tf.add(tf.mul(v, decay), tf.mul(g2, 1 - decay));
          v.assign(vNew);
          update = tf.mul(g, tf.rsqrt(vNew));
        }
        // Update clipping: divide by max(1, RMS(update)/threshold).
        const clipDenominator = tf.maximum(1, tf.div(rms(update), this.#clipThreshold));
        const paramScale = tf.maximum(this.#epsilon2, rms(param));
        const stepSize = tf.mul(paramScale, learningRate);
        param.assign(tf.sub(param, tf.mul(tf.div(update, clipDenominator), stepSize)));
      }
    });
  }

  exportState(): OptimizerState {
    return { name: this.name, step: this.#step, slots: this.#slots.export() };
  }

  importState(state: OptimizerState): void {
    this.#slots.import(this.name, state);
    this.#step = state.step;
  }

  dispose(): void {
    this.#slots.dispose();
  }
}

function rms(t: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.mean(tf.square(t)));
}
