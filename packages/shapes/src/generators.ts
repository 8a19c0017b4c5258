// Generators: turn a compact description (names, one knob, a grid, DeepNarrow) into named cells with their cost.
// Every cell carries its canonical cell name (`small-nl16@w1/8`), the family that produced it, the reference it was
// derived from, its width scale, the concrete shape and its cost at the context's vocabulary and lengths.

import {
  shapeCost, encoderLayerParams, decoderLayerParams, type ShapeCost,
} from './accounting.js';
import { ShapeError } from './errors.js';
import { formatSi } from './format.js';
import {
  KNOBS, formatCellName, knobValueProblem, parseName, shapeOfName, type Knob, type KnobValues, type ParsedName,
} from './names.js';
import { PAPER_INPUT_LENGTH, PAPER_TARGET_LENGTH, PAPER_VOCAB, PRESETS, PRESET_NAMES, isPresetName, type PresetName } from './presets.js';
import type { Shape } from './shape.js';
import { parseWidthScale, scaleWidth } from './width.js';

export const CELL_FAMILIES = ['list', 'oneknob', 'grid', 'deepnarrow', 'reference'] as const;
export type CellFamily = (typeof CELL_FAMILIES)[number];

/** One point of a sweep's shape space. */
export interface NamedCell {
  /** Canonical cell name, e.g. "small-nl28@w1/8". */
  readonly name: string;
  readonly family: CellFamily;
  /** Canonical cell name (same width scale) of the size this cell was derived from: oneKnob/grid base, DeepNarrow reference (a reference cell names itself). Absent for list cells. */
  readonly referenceName?: string;
  readonly widthScale: number;
  readonly shape: Shape;
  readonly cost: ShapeCost;
}

/** Where cells are costed. */
export interface CostContext {
  /** Vocabulary size. @defaultValue 32128 (paper) */
  readonly vocab?: number | undefined;
  /** Encoder tokens per example for FLOPs. @defaultValue 512 (paper) */
  readonly inputLength?: number | undefined;
  /** Decoder tokens per example for FLOPs. @defaultValue 114 (paper) */
  readonly targetLength?: number | undefined;
  /** Width scale applied to every generated shape. @defaultValue 1 */
  readonly widthScale?: number | undefined;
}

interface ResolvedContext {
  readonly vocab: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly widthScale: number;
}

function resolveContext(ctx: CostContext = {}): ResolvedContext {
  return {
    vocab: ctx.vocab ?? PAPER_VOCAB,
    inputLength: ctx.inputLength ?? PAPER_INPUT_LENGTH,
    targetLength: ctx.targetLength ?? PAPER_TARGET_LENGTH,
    widthScale: parseWidthScale(ctx.widthScale ?? 1),
  };
}

function makeCell(parsed: ParsedName, family: CellFamily, referenceName: string | undefined, ctx: ResolvedContext): NamedCell {
  const shape = scaleWidth(shapeOfName(parsed, ctx.vocab), ctx.widthScale);
  const cost = shapeCost(shape, ctx);
  const name = formatCellName(parsed, ctx.widthScale);
  const cell = { name, family, widthScale: ctx.widthScale, shape, cost };
  return referenceName === undefined ? cell : { ...cell, referenceName };
}

function generatorError(field: string, value: unknown, why: string): ShapeError {
  return new ShapeError('SHAPE_INVALID', field, value, `${field}: ${why}`);
}

/**
 * Set one knob on a parsed name. Setting nl drops el/dl; setting el or dl on a name with nl splits nl into el and dl
 * first, so the result is always a valid name.
 */
export function withKnob(parsed: ParsedName, knob: Knob, value: number): ParsedName {
  const knobs: KnobValues = { ...parsed.knobs };
  if (knob === 'nl') {
    delete knobs.el;
    delete knobs.dl;
  } else if ((knob === 'el' || knob === 'dl') && knobs.nl !== undefined) {
    knobs.el = knobs.nl;
    knobs.dl = knobs.nl;
    delete knobs.nl;
  }
  knobs[knob] = value;
  return Object.freeze({ size: parsed.size, knobs: Object.freeze(knobs) });
}

/** Cells for an explicit list of (cell-less) names, e.g. ["small", "small-nl16", "base-dm512"]. Family "list". */
export function listCells(names: readonly string[], ctx?: CostContext): NamedCell[] {
  const resolved = resolveContext(ctx);
  return names.map((name) => makeCell(parseName(name), 'list', undefined, resolved));
}

function checkValues(field: string, knob: Knob, values: readonly number[]): void {
  if (values.length === 0) throw generatorError(field, values, 'needs at least one value');
  values.forEach((value, i) => {
    const problem = knobValueProblem(knob, value);
    if (problem !== null) throw generatorError(`${field}[${i}]`, value, problem);
  });
}

/**
 * The paper's protocol: hold `base` (a size or a name) and move one knob over `values`. Family "oneknob",
 * referenceName = the base's cell name. Values equal to the base's own are kept (the plan dedupes by shape).
 */
export function oneKnob(base: string, knob: Knob, values: readonly number[], ctx?: CostContext): NamedCell[] {
  const resolved = resolveContext(ctx);
  const parsedBase = parseName(base);
  if (!(KNOBS as readonly string[]).includes(knob)) {
    throw generatorError('oneKnob.knob', knob, `unknown knob "${String(knob)}"; knobs are ${KNOBS.join(', ')}`);
  }
  checkValues('oneKnob.values', knob, values);
  const referenceName = formatCellName(parsedBase, resolved.widthScale);
  return values.map((value) => makeCell(withKnob(parsedBase, knob, value), 'oneknob', referenceName, resolved));
}

/** Knob → values of a grid. */
export type GridKnobs = { readonly [K in Knob]?: readonly number[] | undefined };

/** Number of cells `grid` would produce (product of the list lengths; 1 for no knobs). */
export function gridSize(knobs: GridKnobs): number {
  return KNOBS.reduce((n, knob) => n * (knobs[knob]?.length ?? 1), 1);
}

/**
 * Cartesian product over knob lists around `base`, in canonical knob order (nl el dl dm ff nh kv; the last knob
 * varies fastest). Family "grid", referenceName = the base's cell name. nl cannot be combined with el or dl.
 */
export function grid(base: string, knobs: GridKnobs, ctx?: CostContext): NamedCell[] {
  const resolved = resolveContext(ctx);
  const parsedBase = parseName(base);
  for (const key of Object.keys(knobs)) {
    if (!(KNOBS as readonly string[]).includes(key)) {
      throw generatorError(`grid.knobs.${key}`, key, `unknown knob "${key}"; knobs are ${KNOBS.join(', ')}`);
    }
  }
  if (knobs.nl !== undefined && (knobs.el !== undefined || knobs.dl !== undefined)) {
    throw generatorError('grid.knobs.nl', knobs.nl, 'nl sets el and dl together; use either nl or el/dl');
  }
  const axes = KNOBS.filter((knob) => knobs[knob] !== undefined);
  for (const knob of axes) checkValues(`grid.knobs.${knob}`, knob, knobs[knob] ?? []);
  const referenceName = formatCellName(parsedBase, resolved.widthScale);
  let names: ParsedName[] = [parsedBase];
  for (const knob of axes) {
    const values = knobs[knob] ?? [];
    names = names.flatMap((parsed) => values.map((value) => withKnob(parsed, knob, value)));
  }
  return names.map((parsed) => makeCell(parsed, 'grid', referenceName, resolved));
}

/** The compute axis DeepNarrow matches on: parameters, or forward FLOPs per example at the context lengths. */
export type CostAxis = 'params' | 'flops';

export function costOnAxis(cost: ShapeCost, axis: CostAxis): number {
  return axis === 'params' ? cost.params : cost.forwardFlopsPerExample;
}

export interface DeepNarrowOptions {
  /** Reference sizes or names to match, e.g. ["base", "large"]. Each is included as a "reference" cell. */
  readonly references: readonly string[];
  /** Axis to match on. @defaultValue "params" */
  readonly axis?: CostAxis | undefined;
  /** Accepted relative difference |cost − target| / target. @defaultValue 0.05 */
  readonly tolerance?: number | undefined;
  /** Standard widths to try; each must be narrower than the reference (others are skipped). @defaultValue every narrower standard size */
  readonly widths?: readonly PresetName[] | undefined;
  /** Deepest NL tried (the paper sees depth gains level off at 32–36 layers). @defaultValue 48 */
  readonly maxLayers?: number | undefined;
}

/** A width that yielded no DeepNarrow cell, and why. */
export interface DeepNarrowSkip {
  readonly reference: string;
  readonly width: PresetName;
  readonly reason: string;
}

export interface DeepNarrowResult {
  readonly cells: NamedCell[];
  readonly skipped: DeepNarrowSkip[];
}

export const DEFAULT_DEEPNARROW_TOLERANCE = 0.05;
export const DEFAULT_DEEPNARROW_MAX_LAYERS = 48;

/** Weights of one encoder plus one decoder layer: how "wide" a shape is, independent of depth and vocabulary. */
function layerWidthParams(shape: Shape): number {
  return encoderLayerParams(shape) + decoderLayerParams(shape);
}

/**
 * DeepNarrow (PAPER.md finding 4): for each reference, take each narrower standard width (a smaller size's DM, FF,
 * NH and KV, named `<size>-nl<N>`) and raise NL — above the reference's own depth, up to maxLayers — until the
 * reference's cost on `axis` is matched within `tolerance`. Of the depths within tolerance the closest match is
 * taken. Costs are compared on the scaled shapes at the context's vocabulary and lengths, so the matched depth can
 * differ between width scales. Each reference is included itself (family "reference"); matches are family
 * "deepnarrow" with referenceName = the reference's cell name. Widths with no depth in tolerance are reported in
 * `skipped`.
 */
export function deepNarrow(options: DeepNarrowOptions, ctx?: CostContext): DeepNarrowResult {
  const resolved = resolveContext(ctx);
  const axis = options.axis ?? 'params';
  const tolerance = options.tolerance ?? DEFAULT_DEEPNARROW_TOLERANCE;
  const maxLayers = options.maxLayers ?? DEFAULT_DEEPNARROW_MAX_LAYERS;
  if (axis !== 'params' && axis !== 'flops') throw generatorError('deepNarrow.axis', axis, 'must be "params" or "flops"');
  if (!(tolerance > 0 && tolerance < 1)) throw generatorError('deepNarrow.tolerance', tolerance, 'must be in (0, 1)');
  const maxLayersProblem = knobValueProblem('nl', maxLayers);
  if (maxLayersProblem !== null) throw generatorError('deepNarrow.maxLayers', maxLayers, maxLayersProblem);
  if (options.references.length === 0) throw generatorError('deepNarrow.references', options.references, 'needs at least one reference');
  options.widths?.forEach((width, i) => {
    if (!isPresetName(width)) throw generatorError(`deepNarrow.widths[${i}]`, width, `unknown size; sizes are ${PRESET_NAMES.join(', ')}`);
  });

  const cells: NamedCell[] = [];
  const skipped: DeepNarrowSkip[] = [];
  for (const referenceText of options.references) {
    const reference = makeCell(parseName(referenceText), 'reference', undefined, resolved);
    const referenceCell: NamedCell = { ...reference, referenceName: reference.name };
    cells.push(referenceCell);
    const target = costOnAxis(referenceCell.cost, axis);
    // Width comparison at paper scale (width rounding must not reorder the standard sizes).
    const referenceWidth = layerWidthParams(shapeOfName(parseName(referenceText), resolved.vocab));
    const minDepth = Math.max(referenceCell.shape.el, referenceCell.shape.dl) + 1;
    const widths = options.widths ?? PRESET_NAMES.filter((size) => layerWidthParams({ ...PRESETS[size], vocab: resolved.vocab }) < referenceWidth);
    for (const width of widths) {
      const skip = (reason: string): void => {
        skipped.push({ reference: referenceCell.name, width, reason });
      };
      if (layerWidthParams({ ...PRESETS[width], vocab: resolved.vocab }) >= referenceWidth) {
        skip(`${width} is not narrower than ${referenceCell.name}`);
        continue;
      }
      const parsedBase = parseName(width);
      let best: { cell: NamedCell; error: number } | undefined;
      for (let nl = minDepth; nl <= maxLayers; nl += 1) {
        const cell = makeCell(withKnob(parsedBase, 'nl', nl), 'deepnarrow', referenceCell.name, resolved);
        const error = (costOnAxis(cell.cost, axis) - target) / target;
        if (best === undefined || Math.abs(error) < Math.abs(best.error)) best = { cell, error };
        if (error > tolerance) break; // cost grows with depth: deeper only drifts further above the target
      }
      if (best === undefined) {
        skip(`maxLayers ${maxLayers} is not deeper than ${referenceCell.name}`);
      } else if (Math.abs(best.error) > tolerance) {
        const pct = (best.error * 100).toFixed(1);
        skip(`no depth in [${minDepth}, ${maxLayers}] matches ${axis} of ${referenceCell.name} within ${tolerance * 100}% (closest ${best.cell.name} at ${best.error > 0 ? '+' : ''}${pct}%)`);
      } else {
        cells.push(best.cell);
      }
    }
  }
  return { cells, skipped };
}

/** Upper bounds on a cell's cost; absent bounds do not filter. */
export interface Budget {
  /** Maximum total parameters. */
  readonly maxParams?: number | undefined;
  /** Maximum forward FLOPs per example (at the lengths the cells were costed at). */
  readonly maxFlops?: number | undefined;
}

export interface DroppedCell {
  readonly cell: NamedCell;
  readonly reason: string;
}

export interface BudgetResult {
  readonly kept: NamedCell[];
  readonly dropped: DroppedCell[];
}

/** Split cells into those within the budget and those above it, with a reason for each dropped cell. */
export function applyBudget(cells: readonly NamedCell[], budget: Budget): BudgetResult {
  const kept: NamedCell[] = [];
  const dropped: DroppedCell[] = [];
  for (const cell of cells) {
    const reasons: string[] = [];
    if (budget.maxParams !== undefined && cell.cost.params > budget.maxParams) {
      reasons.push(`params ${formatSi(cell.cost.params)} > maxParams ${formatSi(budget.maxParams)}`);
    }
    if (budget.maxFlops !== undefined && cell.cost.forwardFlopsPerExample > budget.maxFlops) {
      reasons.push(`forward FLOPs/example ${formatSi(cell.cost.forwardFlopsPerExample)} > maxFlops ${formatSi(budget.maxFlops)}`);
    }
    if (reasons.length === 0) kept.push(cell);
    else dropped.push({ cell, reason: reasons.join('; ') });
  }
  return { kept, dropped };
}
