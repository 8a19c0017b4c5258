// A bag-of-words multinomial Naive Bayes baseline: the floor a finetuned model should beat (DATA.md), and a check
// that the task cleaning reproduces DATA.md's numbers. Lower-cased word tokens counted per example (or once per
// example with `binary`, Wang & Manning 2012's variant), add-one (Laplace) smoothing, log-space scoring; the task prefix ("sentiment:") is the same for every example, so it cannot sway the result.
import { accuracy, macroF1 } from './metrics.js';
import type { Task } from './tasks/types.js';

export interface NaiveBayesScores {
  accuracy: number;
  macroF1: number;
  /** Accuracy of always predicting the most frequent training label. */
  majorityAccuracy: number;
}

export interface NaiveBayesOptions {
  /** Count each word once per example (binarised NB) instead of by occurrence. @defaultValue false */
  binary?: boolean;
}

/** The lower-cased words of a text (distinct ones when `binary`). */
function tokenize(text: string, binary: boolean): string[] {
  const all = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  return binary ? [...new Set(all)] : all;
}

/** Trains on task.train and scores task.validation. */
export function naiveBayesScores(task: Task, options: NaiveBayesOptions = {}): NaiveBayesScores {
  const binary = options.binary ?? false;
  const words = (text: string): string[] => tokenize(text, binary);
  const labelCount = new Map<string, number>();
  const wordCounts = new Map<string, Map<string, number>>();
  const totalWords = new Map<string, number>();
  const vocabulary = new Set<string>();
  for (const label of task.labels) {
    labelCount.set(label, 0);
    wordCounts.set(label, new Map());
    totalWords.set(label, 0);
  }
  for (const { input, label } of task.train) {
    labelCount.set(label, (labelCount.get(label) ?? 0) + 1);
    let counts = wordCounts.get(label);
    if (counts === undefined) wordCounts.set(label, (counts = new Map()));
    for (const w of words(input)) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
      totalWords.set(label, (totalWords.get(label) ?? 0) + 1);
      vocabulary.add(w);
    }
  }
  const labels = [...labelCount.keys()];
  const logPrior = new Map(labels.map((l) => [l, Math.log(((labelCount.get(l) ?? 0) + 1) / (task.train.length + labels.length))]));
  const majority = labels.reduce((best, l) => ((labelCount.get(l) ?? 0) > (labelCount.get(best) ?? 0) ? l : best), labels[0] ?? '');
  const predicted = task.validation.map(({ input }) => {
    const tokens = words(input);
    let best = majority;
    let bestScore = -Infinity;
    for (const label of labels) {
      const counts = wordCounts.get(label) as Map<string, number>;
      const denominator = Math.log((totalWords.get(label) ?? 0) + vocabulary.size);
      let score = logPrior.get(label) as number;
      for (const w of tokens) {
        // Words never seen in training carry no evidence for any class; skipping them keeps scores comparable.
        if (vocabulary.has(w)) score += Math.log((counts.get(w) ?? 0) + 1) - denominator;
      }
      if (score > bestScore) {
        bestScore = score;
        best = label;
      }
    }
    return best;
  });
  const gold = task.validation.map((e) => e.label);
  return {
    accuracy: accuracy(predicted, gold),
    macroF1: macroF1(predicted, gold, task.labels),
    majorityAccuracy: accuracy(gold.map(() => majority), gold),
  };
}
