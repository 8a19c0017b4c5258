// Stops a run whose loss has blown up, with TRAINING_DIVERGED, instead of burning its budget on NaNs. Three rules:
//   1. a NaN or infinite loss;
//   2. a loss above MAX_LOSS nats (a uniform guess over 2^21 tokens, our largest vocabulary, is 14.6 nats; T5's
//      initial loss is of that order, so 100 only trips on real explosions);
//   3. after SETTLE_STEPS steps in a phase, the smoothed loss above 3× its best value *and* more than 1 nat above it
//      (the margin keeps a finetuning loss near 0 from tripping on ordinary noise: 0.05 → 0.2 is not an explosion).
import { ShapesweepError } from '@shapesweep/contract';
import type { MonitorState } from '../checkpoint/checkpoint.js';

export const MAX_LOSS = 100;
export const EXPLOSION_RATIO = 3;
export const EXPLOSION_MARGIN_NATS = 1;
export const SETTLE_STEPS = 20;
/** Weight of the newest loss in the smoothed loss (an exponential average over ~10 steps). */
const SMOOTHING = 0.1;

export function freshMonitorState(): MonitorState {
  return { steps: 0, smoothedLoss: null, bestSmoothedLoss: null };
}

/** Returns the next monitor state, or throws TRAINING_DIVERGED. `where` names the phase and step for the message. */
export function checkDivergence(state: MonitorState, loss: number, where: string): MonitorState {
  if (!Number.isFinite(loss)) {
    throw new ShapesweepError('TRAINING_DIVERGED', `Training diverged at ${where}: the loss is ${loss}`, { details: [`loss: ${loss}`] });
  }
  if (loss > MAX_LOSS) {
    throw new ShapesweepError('TRAINING_DIVERGED', `Training diverged at ${where}: the loss ${loss.toFixed(3)} exceeds ${MAX_LOSS}`, {
      details: [`loss: ${loss}`],
    });
  }
  const steps = state.steps + 1;
  const smoothed = state.smoothedLoss === null ? loss : (1 - SMOOTHING) * state.smoothedLoss + SMOOTHING * loss;
  const best = steps > SETTLE_STEPS ? Math.min(state.bestSmoothedLoss ?? smoothed, smoothed) : null;
  if (best !== null && smoothed > EXPLOSION_RATIO * best && smoothed - best > EXPLOSION_MARGIN_NATS) {
    throw new ShapesweepError(
      'TRAINING_DIVERGED',
      `Training diverged at ${where}: the smoothed loss ${smoothed.toFixed(3)} is over ${EXPLOSION_RATIO}× its best ${best.toFixed(3)}`,
      { details: [`loss: ${loss}`, `smoothedLoss: ${smoothed}`, `bestSmoothedLoss: ${best}`] },
    );
  }
  return { steps, smoothedLoss: smoothed, bestSmoothedLoss: best };
}
