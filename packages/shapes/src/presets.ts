// The standard T5 v1.0 sizes (PAPER.md, "Standard sizes"), ordered from narrowest to widest.

/** Dimensions of a standard size, without the vocabulary (which belongs to the run, not the size). */
export interface PresetDims {
  readonly el: number;
  readonly dl: number;
  readonly dm: number;
  readonly ff: number;
  readonly nh: number;
  readonly kv: number;
}

export const PRESET_NAMES = ['tiny', 'mini', 'small', 'base', 'large', 'xl', 'xxl'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** T5 v1.0 shapes exactly as in the paper: KV = 64 up to large, 128 for xl and xxl. */
export const PRESETS: Readonly<Record<PresetName, PresetDims>> = Object.freeze({
  tiny: Object.freeze({ el: 4, dl: 4, dm: 256, ff: 1024, nh: 4, kv: 64 }),
  mini: Object.freeze({ el: 4, dl: 4, dm: 384, ff: 1536, nh: 8, kv: 64 }),
  small: Object.freeze({ el: 6, dl: 6, dm: 512, ff: 2048, nh: 8, kv: 64 }),
  base: Object.freeze({ el: 12, dl: 12, dm: 768, ff: 3072, nh: 12, kv: 64 }),
  large: Object.freeze({ el: 24, dl: 24, dm: 1024, ff: 4096, nh: 16, kv: 64 }),
  xl: Object.freeze({ el: 24, dl: 24, dm: 1024, ff: 16384, nh: 32, kv: 128 }),
  xxl: Object.freeze({ el: 24, dl: 24, dm: 1024, ff: 65536, nh: 128, kv: 128 }),
});

/** Vocabulary of the paper's checkpoints (the default of `shapesweep shapes`, so figures compare with the paper). */
export const PAPER_VOCAB = 32_128;
/** Paper pretraining lengths: 512-token inputs, 114-token span-corruption targets. */
export const PAPER_INPUT_LENGTH = 512;
export const PAPER_TARGET_LENGTH = 114;

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}
