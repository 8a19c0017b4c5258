// Learning-rate schedules, as pure functions of the (1-based) step within a phase. nanoGPT keeps its `get_lr` this
// small for the same reason: a schedule is easiest to check when it is a formula you can evaluate by hand.
import type { FinetuneConfig, PretrainConfig } from '@shapesweep/contract';

/** Adam's peak learning rate when the config gives none (the contract's documented default). */
export const DEFAULT_ADAM_LEARNING_RATE = 1e-3;

/**
 * Pretraining learning rate at `step` (1-based).
 *
 * - Adafactor without a learning rate: T5's relative step size 1/sqrt(max(step, warmupSteps)) — constant for the
 *   warm-up, then inverse-square-root decay. Adafactor multiplies it by each parameter's RMS (see adafactor.ts).
 * - Adafactor with a learning rate: the same shape scaled so that the warm-up plateau equals `learningRate`.
 * - Adam: linear warm-up from 0 to `learningRate` (default 1e-3) over `warmupSteps`, then inverse-square-root decay
 *   learningRate·sqrt(warmupSteps/step).
 * With warmupSteps = 0 the decay starts at step 1 (the plateau is one step long).
 */
export function pretrainLearningRate(step: number, config: Pick<PretrainConfig, 'optimizer' | 'learningRate' | 'warmupSteps'>): number {
  const s = Math.max(step, 1);
  const warm = Math.max(config.warmupSteps, 1);
  if (config.optimizer === 'adafactor') {
    const relative = 1 / Math.sqrt(Math.max(s, warm));
    return config.learningRate === undefined ? relative : config.learningRate * Math.sqrt(warm) * relative;
  }
  const peak = config.learningRate ?? DEFAULT_ADAM_LEARNING_RATE;
  if (config.warmupSteps > 0 && s < config.warmupSteps) return (peak * s) / config.warmupSteps;
  return peak * Math.sqrt(warm / s);
}

/** Finetuning uses a constant learning rate, as the paper does (1e-3 by default). */
export function finetuneLearningRate(_step: number, config: Pick<FinetuneConfig, 'learningRate'>): number {
  return config.learningRate;
}
