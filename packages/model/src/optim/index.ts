import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerName } from '@shapesweep/contract';
import { Adafactor } from './adafactor.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';

export { Adafactor, isFactored, type AdafactorOptions } from './adafactor.js';
export { Adam, type AdamOptions } from './adam.js';
export { clipByGlobalNorm, globalNorm, type ClippedGradients } from './clip.js';
export { pretrainLearningRate, finetuneLearningRate, DEFAULT_ADAM_LEARNING_RATE, MAX_RELATIVE_STEP } from './schedule.js';
export type { Optimizer, OptimizerState } from './optimizer.js';

/** A fresh optimizer (zero state) for `variables`, keyed like the model's variables map. */
export function createOptimizer(name: OptimizerName, variables: ReadonlyMap<string, tf.Variable>): Optimizer {
  return name === 'adafactor' ? new Adafactor(variables) : new Adam(variables);
}
