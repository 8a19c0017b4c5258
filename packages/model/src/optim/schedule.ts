// Learning-rate schedules, as pure functions of the (1-based) step within a phase. nanoGPT keeps its `get_lr` this
// small for the same reason: a schedule is easiest to check when it is a formula you can evaluate by hand.
import type { FinetuneConfig, PretrainConfig } from '@shapesweep/contract';

/** Adam's peak learning rate when the config gives none (the contract's documented default). */
export const DEFAULT_ADAM_LEARNING_RATE = 1e-3;
/**
 * Cap of Adafactor's relative step size (T5 and HF's Adafactor: min(1e-2, 1/sqrt(step))). T5 pretrains with a
 * 10^4-step warm-up, so it never exceeds 0.01; with our short CPU-scale warm-ups the uncapped 1/sqrt(100) = 0.1
 * inflates the weights (updates are proportional to each parameter's RMS, so norms grow multiplicatively) and
 * the pretrained model then finetunes worse than a random one (measured: keyword task 0.53 vs 1.0 accuracy).
 */
export const MAX_RELATIVE_STEP = 1e-2;

/**
 * Pretraining learning rate at `step` (1-based).
 *
 * - Adafactor without a learning rate: T5's relative step size min(1e-2, 1/sqrt(max(step, warmupSteps))) — constant
 *   for the warm-up (and while 1/sqrt(step) > 0.01, i.e. the first 10^4 steps), then inverse-square-root decay.
 *   Adafactor multiplies it by each parameter's RMS (see adafactor.ts).
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
    return config.learningRate === undefined ? Math.min(MAX_RELATIVE_STEP, relative) : config.learningRate * Math.sqrt(warm) * relative;
  }
  const peak = config.learningRate ?? DEFAULT_ADAM_LEARNING_RATE;
  if (config.warmupSteps > 0 && s < config.warmupSteps) return (peak * s) / config.warmupSteps;
  return peak * Math.sqrt(warm / s);
}

/** Finetuning uses a constant learning rate, as the paper does (1e-3 by default). */
export function finetuneLearningRate(_step: number, config: Pick<FinetuneConfig, 'learningRate'>): number {
  return config.learningRate;
}
