// Text-to-text batches for finetuning and rank classification: the same row-major layout as span-corruption
// batches, so the trainer has one batch type. Inputs longer than inputLength are truncated (eos kept last).
import { ShapesweepError } from '@shapesweep/contract';
import type { SpanBatch } from '../spanCorruption.js';
import type { Tokenizer } from '../tokenizer.js';
import type { TaskExample } from './types.js';

export interface TaskBatchOptions {
  /** Encoder tokens per example; longer inputs are cut to inputLength - 1 tokens plus eos. */
  inputLength: number;
  /** Decoder tokens per example; a label (plus eos) longer than this is a DATA_INVALID error. */
  targetLength: number;
}

/** `text` as ids ending in eos, cut to at most `maxLength` tokens (the eos always survives the cut). */
export function encodeWithEos(tokenizer: Tokenizer, text: string, maxLength: number): number[] {
  const ids = tokenizer.encode(text);
  if (ids.length > maxLength - 1) ids.length = maxLength - 1;
  ids.push(tokenizer.eosId);
  return ids;
}

/**
 * One batch of task examples (one row each): encoder input = example input, decoder target = label word + eos,
 * decoder input = target shifted right starting with pad, mask = 1 over the label tokens and eos.
 * For rank classification, build one batch per candidate label with `label` replaced and compare the summed
 * masked log-likelihoods.
 */
export function encodeTaskBatch(tokenizer: Tokenizer, examples: readonly TaskExample[], options: TaskBatchOptions): SpanBatch {
  const { inputLength, targetLength } = options;
  const batchSize = examples.length;
  const encoderInput = new Int32Array(batchSize * inputLength).fill(tokenizer.padId);
  const decoderInput = new Int32Array(batchSize * targetLength).fill(tokenizer.padId);
  const decoderTarget = new Int32Array(batchSize * targetLength).fill(tokenizer.padId);
  const targetMask = new Float32Array(batchSize * targetLength);
  const labelCache = new Map<string, number[]>();
  examples.forEach((example, b) => {
    encoderInput.set(encodeWithEos(tokenizer, example.input, inputLength), b * inputLength);
    let target = labelCache.get(example.label);
    if (target === undefined) {
      target = [...tokenizer.encode(example.label), tokenizer.eosId];
      if (target.length > targetLength) {
        throw new ShapesweepError('DATA_INVALID', `label ${JSON.stringify(example.label)} needs ${target.length} target tokens, more than targetLength ${targetLength}`);
      }
      labelCache.set(example.label, target);
    }
    decoderTarget.set(target, b * targetLength);
    decoderInput.set(target.slice(0, targetLength - 1), b * targetLength + 1);
    targetMask.fill(1, b * targetLength, b * targetLength + target.length);
  });
  return { batchSize, inputLength, targetLength, encoderInput, decoderInput, decoderTarget, targetMask };
}
