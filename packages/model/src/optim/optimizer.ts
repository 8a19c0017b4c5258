// The optimizer interface the training loop uses. We do not subclass tf.Optimizer: its state is keyed by tfjs'
// global variable names and its serialisation is async and tied to tfjs-layers, while checkpoints here need plain
// name -> Float32Array maps that round-trip bit-exactly.
import * as tf from '@tensorflow/tfjs-core';
import { ShapesweepError, type OptimizerName } from '@shapesweep/contract';

/** Optimizer state as it goes into a checkpoint: the update count and every slot tensor, by `${variable}/${slot}`. */
export interface OptimizerState {
  readonly name: OptimizerName;
  /** Updates applied so far (Adafactor's decay rate and Adam's bias correction depend on it). */
  readonly step: number;
  readonly slots: ReadonlyMap<string, Float32Array>;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates applied so far. */
  readonly step: number;
  /**
   * Applies one update with `learningRate` to every variable that has a gradient in `grads` (keyed like the
   * variables map). Does not dispose `grads`. Creates no tensors that outlive the call.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, learningRate: number): void;
  exportState(): OptimizerState;
  /** Replaces the state; throws CHECKPOINT_INVALID when the slots do not match the variables. */
  importState(state: OptimizerState): void;
  /** Frees the slot tensors. */
  dispose(): void;
}

/** Slot tensors by `${variable}/${slot}` name, each the shape given at creation. */
export class SlotStore {
  readonly slots = new Map<string, tf.Variable>();

  add(name: string, shape: readonly number[]): tf.Variable {
    // Slot variables are not trainable and get no global name: tfjs would otherwise refuse a second optimizer
    // with the same variable names in one process (tests, the pretrain-vs-scratch bench).
    const v = tf.variable(tf.zeros([...shape]), false);
    this.slots.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.slots.get(name);
    if (v === undefined) throw new Error(`optimizer slot ${name} does not exist`);
    return v;
  }

  export(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.slots) out.set(name, Float32Array.from(v.dataSync() as Float32Array));
    return out;
  }

  import(name: OptimizerName, state: OptimizerState): void {
    const details: string[] = [];
    if (state.name !== name) details.push(`optimizer: checkpoint has ${state.name}, the run uses ${name}`);
    for (const [slot, v] of this.slots) {
      const values = state.slots.get(slot);
      if (values === undefined) details.push(`optimizer.${slot}: missing`);
      else if (values.length !== v.size) details.push(`optimizer.${slot}: ${values.length} values, expected ${v.size}`);
    }
    for (const slot of state.slots.keys()) if (!this.slots.has(slot)) details.push(`optimizer.${slot}: unknown slot`);
    if (details.length > 0) throw new ShapesweepError('CHECKPOINT_INVALID', 'The optimizer state does not match the model', { details });
    for (const [slot, v] of this.slots) {
      const values = state.slots.get(slot) as Float32Array;
      const t = tf.tensor(values, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}
