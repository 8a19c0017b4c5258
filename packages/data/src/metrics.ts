// Classification metrics shared by the trainer's rank-classification eval and the Naive Bayes baseline.

/** Fraction of predictions equal to the gold label (0 for no examples). */
export function accuracy(predicted: readonly string[], gold: readonly string[]): number {
  if (predicted.length !== gold.length) throw new RangeError(`accuracy: ${predicted.length} predictions for ${gold.length} labels`);
  if (gold.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < gold.length; i++) if (predicted[i] === gold[i]) right++;
  return right / gold.length;
}

/**
 * Unweighted mean over `labels` of per-class F1 (a class with no gold and no predicted examples counts as F1 = 0,
 * as scikit-learn's default does, so pass only the labels that matter).
 */
export function macroF1(predicted: readonly string[], gold: readonly string[], labels: readonly string[]): number {
  if (predicted.length !== gold.length) throw new RangeError(`macroF1: ${predicted.length} predictions for ${gold.length} labels`);
  if (labels.length === 0) return 0;
  let sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const p = predicted[i] === label;
      const g = gold[i] === label;
      if (p && g) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / labels.length;
}
