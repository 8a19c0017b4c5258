// Text-to-text classification data for finetuning (T5 style): the input is the example text, the target is the
// label word, both ending with eos. Evaluation is rank classification: every label's likelihood is scored under
// the model and the most likely label is the prediction (no free decoding, so the output is always a valid label).
import { ShapesweepError } from '@shapesweep/contract';
import { EOS_ID, hashBucket, Rng } from '@shapesweep/data';
import type { HostBatch } from './step.js';

/** Encoder lengths of finetuning batches are rounded up to a multiple of this (bounds the model's per-length caches). */
export const INPUT_LENGTH_MULTIPLE = 16;

export interface TaskExample {
  readonly input: string;
  readonly label: string;
}

/** A downstream task as the trainer needs it (packages/data `loadTask` returns a superset). */
export interface ClassificationTask {
  readonly name: string;
  /** Label words, in a fixed order; each example's label is one of them. */
  readonly labels: readonly string[];
  readonly train: readonly TaskExample[];
  readonly validation: readonly TaskExample[];
  /** Metrics to report; accuracy is always reported. @defaultValue ["accuracy"] (+ "macro_f1" for genre) */
  readonly metrics?: readonly string[];
}

export interface TextEncoder {
  encode(text: string): ArrayLike<number>;
}

export interface EncodedExample {
  /** Input ids, truncated to inputLength - 1, then eos. */
  readonly ids: Int32Array;
  /** Index into labels. */
  readonly label: number;
}

export interface EncodedTask {
  readonly name: string;
  readonly labels: readonly string[];
  /** Label word ids followed by eos, one per label. */
  readonly labelIds: readonly Int32Array[];
  /** Longest label target (ids + eos): every batch uses this target length. */
  readonly targetLength: number;
  readonly inputLength: number;
  readonly train: readonly EncodedExample[];
  readonly validation: readonly EncodedExample[];
  readonly metrics: readonly string[];
}

function encodeText(tokenizer: TextEncoder, text: string, maxTokens: number): Int32Array {
  const ids = tokenizer.encode(text);
  const length = Math.min(ids.length, maxTokens - 1);
  const out = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) out[i] = ids[i] as number;
  out[length] = EOS_ID;
  return out;
}

/**
 * Tokenises a task. `trainExamples` caps the train split (a fixed random subset). The validation split is shuffled with a fixed, task-derived seed (the same subset for every run,
 * whatever the split's order on disk) and cut to `evalExamples` (0 keeps all).
 */
export function encodeTask(
  task: ClassificationTask,
  tokenizer: TextEncoder,
  options: { inputLength: number; evalExamples: number; trainExamples?: number | undefined },
): EncodedTask {
  if (task.labels.length < 2) throw new ShapesweepError('DATA_INVALID', `task ${task.name}: needs at least 2 labels, has ${task.labels.length}`);
  if (task.train.length === 0) throw new ShapesweepError('DATA_INVALID', `task ${task.name}: the train split is empty`);
  if (task.validation.length === 0) throw new ShapesweepError('DATA_INVALID', `task ${task.name}: the validation split is empty`);
  const labelIndex = new Map(task.labels.map((l, i) => [l, i]));
  const encode = (split: 'train' | 'validation', examples: readonly TaskExample[]): EncodedExample[] =>
    examples.map((e, i) => {
      const label = labelIndex.get(e.label);
      if (label === undefined) throw new ShapesweepError('DATA_INVALID', `task ${task.name}: ${split}[${i}].label ${JSON.stringify(e.label)} is not one of ${task.labels.join(', ')}`);
      return { ids: encodeText(tokenizer, e.input, options.inputLength), label };
    });
  const labelIds = task.labels.map((l) => encodeText(tokenizer, l, Number.MAX_SAFE_INTEGER));
  const validation = Rng.fromSeed(hashBucket(`validation:${task.name}`, 2 ** 31)).shuffle([...task.validation]);
  const kept = options.evalExamples > 0 ? validation.slice(0, options.evalExamples) : validation;
  // A train cap (tests, quick looks) takes a fixed random subset, never a prefix: splits on disk may be label-sorted.
  const train =
    options.trainExamples === undefined ? task.train : Rng.fromSeed(hashBucket(`train:${task.name}`, 2 ** 31)).shuffle([...task.train]).slice(0, options.trainExamples);
  // The task says which metrics it reports (data's built-in genre task adds macro_f1); accuracy always.
  const metrics = new Set(['accuracy', ...(task.metrics ?? [])]);
  return {
    name: task.name,
    labels: task.labels,
    labelIds,
    targetLength: Math.max(...labelIds.map((ids) => ids.length)),
    inputLength: options.inputLength,
    train: encode('train', train),
    validation: encode('validation', kept),
    metrics: [...metrics],
  };
}

/** Builds one padded batch of (input ids, target ids) pairs. */
export function classificationBatch(inputs: readonly Int32Array[], targets: readonly Int32Array[], targetLength: number, maxInputLength: number): HostBatch {
  const batchSize = inputs.length;
  const longest = Math.max(1, ...inputs.map((ids) => ids.length));
  const inputLength = Math.min(maxInputLength, Math.ceil(longest / INPUT_LENGTH_MULTIPLE) * INPUT_LENGTH_MULTIPLE);
  const encoderInput = new Int32Array(batchSize * inputLength);
  const decoderInput = new Int32Array(batchSize * targetLength);
  const decoderTarget = new Int32Array(batchSize * targetLength);
  const targetMask = new Float32Array(batchSize * targetLength);
  for (let b = 0; b < batchSize; b++) {
    encoderInput.set((inputs[b] as Int32Array).subarray(0, inputLength), b * inputLength);
    const target = targets[b] as Int32Array;
    decoderTarget.set(target, b * targetLength);
    // Decoder input: the target shifted right, starting with pad (T5's decoder start token).
    decoderInput.set(target.subarray(0, Math.min(target.length, targetLength - 1)), b * targetLength + 1);
    targetMask.fill(1, b * targetLength, b * targetLength + target.length);
  }
  return { batchSize, inputLength, targetLength, encoderInput, decoderInput, decoderTarget, targetMask };
}

/** Where a finetuning data stream is: the epoch and the offset into that epoch's permutation. */
export interface ExampleStreamState {
  readonly epoch: number;
  readonly offset: number;
}

/**
 * Training batches of a task: each epoch visits every example once in an order drawn from (seed, task, epoch), so
 * the position alone (epoch, offset) restores the stream exactly.
 */
export class ExampleStream {
  readonly #task: EncodedTask;
  readonly #batchSize: number;
  readonly #seed: number;
  #epoch: number;
  #offset: number;
  #order: Int32Array;

  constructor(task: EncodedTask, batchSize: number, seed: number, state: ExampleStreamState = { epoch: 0, offset: 0 }) {
    this.#task = task;
    this.#batchSize = batchSize;
    this.#seed = seed;
    this.#epoch = state.epoch;
    this.#offset = state.offset;
    this.#order = this.#permutation(state.epoch);
    if (state.offset > task.train.length) throw new ShapesweepError('CHECKPOINT_INVALID', `finetuning stream offset ${state.offset} is past the ${task.train.length} examples of ${task.name}`);
  }

  state(): ExampleStreamState {
    return { epoch: this.#epoch, offset: this.#offset };
  }

  #permutation(epoch: number): Int32Array {
    const rng = Rng.fromSeed(hashBucket(`finetune:${this.#task.name}:${this.#seed}:${epoch}`, 2 ** 31));
    const order = Int32Array.from({ length: this.#task.train.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    return order;
  }

  next(): HostBatch {
    const inputs: Int32Array[] = [];
    const targets: Int32Array[] = [];
    while (inputs.length < this.#batchSize) {
      if (this.#offset >= this.#order.length) {
        this.#epoch += 1;
        this.#offset = 0;
        this.#order = this.#permutation(this.#epoch);
      }
      const example = this.#task.train[this.#order[this.#offset++] as number] as EncodedExample;
      inputs.push(example.ids);
      targets.push(this.#task.labelIds[example.label] as Int32Array);
    }
    return classificationBatch(inputs, targets, this.#task.targetLength, this.#task.inputLength);
  }
}

export interface ClassificationScores {
  readonly accuracy: number;
  /** Mean over classes (present in the gold labels or the predictions) of per-class F1. */
  readonly macroF1: number;
  readonly predictions: Int32Array;
}

/** Accuracy and macro-F1 of predicted vs gold label indices. */
export function classificationScores(predictions: Int32Array, gold: Int32Array, labelCount: number): ClassificationScores {
  const tp = new Float64Array(labelCount);
  const predicted = new Float64Array(labelCount);
  const actual = new Float64Array(labelCount);
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const p = predictions[i] as number;
    const g = gold[i] as number;
    predicted[p] = (predicted[p] ?? 0) + 1;
    actual[g] = (actual[g] ?? 0) + 1;
    if (p === g) {
      correct++;
      tp[g] = (tp[g] ?? 0) + 1;
    }
  }
  let f1Sum = 0;
  let classes = 0;
  for (let c = 0; c < labelCount; c++) {
    const pc = predicted[c] ?? 0;
    const ac = actual[c] ?? 0;
    if (pc === 0 && ac === 0) continue;
    classes++;
    // F1 = 2·tp / (predicted + actual); 0 when the class is never predicted correctly.
    f1Sum += (2 * (tp[c] ?? 0)) / (pc + ac);
  }
  return { accuracy: gold.length === 0 ? Number.NaN : correct / gold.length, macroF1: classes === 0 ? Number.NaN : f1Sum / classes, predictions };
}

/**
 * Scores every label's likelihood for each validation example and predicts the most likely label. `scoreLabels`
 * gets one batch per label, all holding the same inputs, and returns each batch's per-example log-likelihoods.
 */
export function rankClassify(
  scoreLabels: (batches: readonly HostBatch[]) => Float32Array[],
  task: EncodedTask,
  batchSize: number,
): Int32Array {
  const examples = task.validation;
  const predictions = new Int32Array(examples.length);
  for (let start = 0; start < examples.length; start += batchSize) {
    const chunk = examples.slice(start, start + batchSize);
    const inputs = chunk.map((e) => e.ids);
    const best = new Float64Array(chunk.length).fill(-Infinity);
    const perLabel = scoreLabels(task.labelIds.map((labelIds) => classificationBatch(inputs, inputs.map(() => labelIds), task.targetLength, task.inputLength)));
    perLabel.forEach((logLikelihood, label) => {
      for (let i = 0; i < chunk.length; i++) {
        // Strictly greater: ties go to the earlier label, so predictions are deterministic.
        if ((logLikelihood[i] as number) > (best[i] as number)) {
          best[i] = logLikelihood[i] as number;
          predictions[start + i] = label;
        }
      }
    });
  }
  return predictions;
}
