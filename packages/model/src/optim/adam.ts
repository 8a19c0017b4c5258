// Adam (Kingma & Ba 2015) with bias correction; no weight decay (T5 uses none).
import * as tf from '@tensorflow/tfjs-core';
import { SlotStore, type Optimizer, type OptimizerState } from './optimizer.js';

export interface AdamOptions {
  /** @defaultValue 0.9 */
  readonly beta1?: number;
  /** @defaultValue 0.999 */
  readonly beta2?: number;
  /** @defaultValue 1e-8 */
  readonly epsilon?: number;
}

export class Adam implements Optimizer {
  readonly name = 'adam' as const;
  #step = 0;
  readonly #variables: ReadonlyMap<string, tf.Variable>;
  readonly #slots = new SlotStore();
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;

  constructor(variables: ReadonlyMap<string, tf.Variable>, options: AdamOptions = {}) {
    this.#variables = variables;
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-8;
    for (const [name, v] of variables) {
      this.#slots.add(`${name}/m`, v.shape);
      this.#slots.add(`${name}/v`, v.shape);
    }
  }

  get step(): number {
    return this.#step;
  }

  apply(grads: ReadonlyMap<string, tf.Tensor>, learningRate: number): void {
    this.#step += 1;
    const b1 = this.#beta1;
    const b2 = this.#beta2;
    // Bias correction of both moments (they start at 0, so early averages are too small by these factors).
    const correction1 = 1 - Math.pow(b1, this.#step);
    const correction2 = 1 - Math.pow(b2, this.#step);
    tf.tidy(() => {
      for (const [name, param] of this.#variables) {
        const g = grads.get(name);
        if (g === undefined) continue;
        const m = this.#slots.get(`${name}/m`);
        const v = this.#slots.get(`${name}/v`);
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(mNew);
        v.assign(vNew);
        const mHat = tf.div(mNew, correction1);
        const vHat = tf.div(vNew, correction2);
        param.assign(tf.sub(param, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.#epsilon)), learningRate)));
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
