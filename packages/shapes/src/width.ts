// Width scale: run the same grid of shapes at a smaller (or larger) compute region. A scale s multiplies the widths
// DM, FF and KV and keeps depth (EL, DL) and heads (NH), so `base@w1/8` has base's proportions at ~1/64 of its
// non-embedding parameters.
//
// Text form (cell-name suffix `@w<scale>` and spec strings): "1/N" (N a positive integer), or a plain decimal
// ("0.5", "2"). formatWidthScale writes "1/N" whenever 1/N is exactly the scale, else the shortest decimal, so
// parseWidthScale(formatWidthScale(s)) === s.
import { ShapeError, describeValue } from './errors.js';
import { validateShape, type Shape } from './shape.js';

/** Largest accepted width scale (widening 64× already leaves every paper shape's bounds). */
export const MAX_WIDTH_SCALE = 64;

/**
 * Scaled widths are rounded to a multiple of this many units (SIMD lanes / tensor-core tiles like multiples of 8);
 * scaled values under 8 round to the nearest integer instead, and never below 1.
 */
export const WIDTH_MULTIPLE = 8;

function scaleError(value: unknown, why: string): ShapeError {
  return new ShapeError('SHAPE_INVALID', 'widthScale', value, `widthScale ${describeValue(value)}: ${why}`);
}

/** Parse a width scale given as a number or as text ("1/8", "0.125", "1"). Must be in (0, 64]. */
export function parseWidthScale(input: number | string): number {
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string') {
    const text = input.trim();
    const fraction = /^(\d+)\/(\d+)$/.exec(text);
    if (fraction !== null) {
      const numerator = Number(fraction[1]);
      const denominator = Number(fraction[2]);
      if (denominator === 0) throw scaleError(input, 'division by zero');
      value = numerator / denominator;
    } else if (/^\d+(?:\.\d+)?(?:e-?\d+)?$/i.test(text)) {
      value = Number(text);
    } else {
      throw scaleError(input, 'expected a number, "1/N" or a decimal like "0.5"');
    }
  } else {
    throw scaleError(input, 'expected a number or a string');
  }
  if (!Number.isFinite(value) || value <= 0) throw scaleError(input, 'must be greater than 0');
  if (value > MAX_WIDTH_SCALE) throw scaleError(input, `must be at most ${MAX_WIDTH_SCALE}`);
  return value;
}

/** Canonical text of a width scale: "1/N" when exact, else the shortest decimal. */
export function formatWidthScale(widthScale: number): string {
  if (widthScale < 1) {
    const n = Math.round(1 / widthScale);
    if (1 / n === widthScale) return `1/${n}`;
  }
  return String(widthScale);
}

/** Scale one width: identity at scale 1, else rounded to a multiple of 8 (or, under 8, to an integer ≥ 1). */
export function scaleDim(width: number, widthScale: number): number {
  if (widthScale === 1) return width;
  const scaled = width * widthScale;
  if (scaled < WIDTH_MULTIPLE) return Math.max(1, Math.round(scaled));
  return Math.round(scaled / WIDTH_MULTIPLE) * WIDTH_MULTIPLE;
}

/** Scale DM, FF and KV of a shape by widthScale, keeping EL, DL, NH and the vocabulary. */
export function scaleWidth(shape: Shape, widthScale: number): Shape {
  const s = parseWidthScale(widthScale);
  if (s === 1) return shape;
  return validateShape({
    ...shape,
    dm: scaleDim(shape.dm, s),
    ff: scaleDim(shape.ff, s),
    kv: scaleDim(shape.kv, s),
  });
}
