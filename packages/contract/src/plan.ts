// Expand a sweep spec into the cells that will run, offline and deterministically: generators × width scales,
// budget filter, × seeds, duplicates removed. The api stores and queues exactly this plan; `shapesweep plan` prints it.
import { hash } from 'node:crypto';
import {
  applyBudget, deepNarrow, grid, gridSize, isShapeError, listCells, oneKnob, trainFlopsPerExample,
  type CellFamily, type CostContext, type NamedCell, type Shape,
} from '@shapesweep/shapes';
import { ShapesweepError } from './errors.js';
import type { CellGenerator, SweepSpec } from './spec.js';
import type { TrainingConfig } from './training.js';

/**
 * Decoder tokens per finetuning example used for planned FLOPs: a class label is a word or two plus EOS, padded.
 * An estimate — the trainer reports the FLOPs it really spent (trainFlopsSpent).
 */
export const FINETUNE_TARGET_LENGTH = 8;

/** Default cap on the cells of one plan (the api passes its own configured limit). */
export const DEFAULT_MAX_CELLS = 100_000;

/** One cell of a plan: a shape, its cost, and the seed it runs with. */
export interface PlannedCell {
  /** Canonical cell name, e.g. "small-nl28@w1/8". */
  readonly name: string;
  readonly family: CellFamily;
  /** Cell name of the size this cell derives from (oneKnob/grid base, DeepNarrow reference), or null. */
  readonly referenceName: string | null;
  readonly widthScale: number;
  readonly shape: Shape;
  readonly params: number;
  readonly embeddingParams: number;
  readonly nonEmbeddingParams: number;
  readonly encoderParams: number;
  readonly decoderParams: number;
  /** Forward FLOPs of one pretraining example (at training.pretrain inputLength/targetLength). */
  readonly flopsPerExample: number;
  /**
   * Training FLOPs the cell will spend: 3·forward × pretrain steps × batch, plus for each finetuning task
   * 3·forward(finetune inputLength, FINETUNE_TARGET_LENGTH) × finetune steps × batch. Evaluation is not counted.
   */
  readonly plannedTrainFlops: number;
  readonly seed: number;
  /** Stable hash of (shape, resolved training config, seed): the same cell in two sweeps has the same key. */
  readonly cellKey: string;
}

/** A cell the budget removed (listed once, whatever the number of seeds). */
export interface DroppedPlannedCell {
  readonly name: string;
  readonly family: CellFamily;
  readonly widthScale: number;
  readonly params: number;
  readonly flopsPerExample: number;
  readonly reason: string;
}

export interface SweepPlan {
  readonly cells: PlannedCell[];
  readonly totals: {
    readonly cells: number;
    /** Sum of params over the planned cells. */
    readonly params: number;
    /** Sum of plannedTrainFlops over the planned cells. */
    readonly plannedTrainFlops: number;
  };
  /** Duplicates removed, cells dropped by the budget, DeepNarrow widths with no match. */
  readonly warnings: string[];
  readonly dropped: DroppedPlannedCell[];
  /** The resolved training config every cell runs with (job payloads carry it). */
  readonly training: TrainingConfig;
}

export interface PlanOptions {
  /** Refuse plans with more cells than this (SWEEP_TOO_LARGE). @defaultValue 100000 */
  readonly maxCells?: number;
}

/** JSON with object keys sorted at every level and undefined fields omitted: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** One-shot crypto.hash: about half the cost of createHash().update().digest() for the 20,000 hashes of a 10,000-cell plan. */
function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * 24 hex characters (96 bits) of sha256 over the canonical JSON of { seed, shape (its seven fields), training } —
 * the text canonicalJson({ shape, training, seed }) gives.
 */
export function cellKeyFor(shape: Shape, training: TrainingConfig, seed: number): string {
  return cellKeyFromJson(shape, canonicalJson(training), seed);
}

/** cellKeyFor with the training config already serialised (a plan serialises it once for all its cells). */
function cellKeyFromJson(shape: Shape, trainingJson: string, seed: number): string {
  const { el, dl, dm, ff, nh, kv, vocab } = shape;
  // Keys in sorted order, as canonicalJson writes them (plan.test.ts checks the two agree).
  const shapeJson = `{"dl":${dl},"dm":${dm},"el":${el},"ff":${ff},"kv":${kv},"nh":${nh},"vocab":${vocab}}`;
  const text = `{"seed":${seed},"shape":${shapeJson},"training":${trainingJson}}`;
  return sha256Hex(text).slice(0, 24);
}

/**
 * BullMQ job id (= Run id) of a cell in a sweep: "run_" + 24 hex characters of sha256(sweepId, cellKey). Stable, so
 * re-submitting a sweep re-uses its job ids; never purely numeric and free of ":" as BullMQ requires.
 */
export function jobIdFor(sweepId: string, cellKey: string): string {
  return `run_${sha256Hex(`${sweepId}\n${cellKey}`).slice(0, 24)}`;
}

/** Training FLOPs a cell of this shape will spend under `training` (see PlannedCell.plannedTrainFlops). */
export function plannedTrainFlopsFor(shape: Shape, training: TrainingConfig): number {
  const { pretrain, finetune } = training;
  const pretrainFlops = trainFlopsPerExample(shape, pretrain) * pretrain.steps * pretrain.batchSize;
  if (finetune.tasks.length === 0 || finetune.steps === 0) return pretrainFlops;
  const finetunePerExample = trainFlopsPerExample(shape, { inputLength: finetune.inputLength, targetLength: FINETUNE_TARGET_LENGTH });
  return pretrainFlops + finetunePerExample * finetune.steps * finetune.batchSize * finetune.tasks.length;
}

/** Cells a generator yields before DeepNarrow skips and the budget (DeepNarrow counts only its references). */
function minimumCells(gen: CellGenerator): number {
  if (gen.names !== undefined) return gen.names.length;
  if (gen.oneKnob !== undefined) return gen.oneKnob.values.length;
  if (gen.grid !== undefined) return gridSize(gen.grid.knobs);
  return gen.deepNarrow?.references.length ?? 0;
}

function tooLarge(count: number, maxCells: number): ShapesweepError {
  return new ShapesweepError('SWEEP_TOO_LARGE', `the sweep has at least ${count} cells; the limit is ${maxCells}`, {
    details: [`cells: at least ${count} > maxCells ${maxCells}`],
  });
}

function generate(gen: CellGenerator, ctx: CostContext, path: string, warnings: string[]): NamedCell[] {
  if (gen.names !== undefined) return listCells(gen.names, ctx);
  if (gen.oneKnob !== undefined) return oneKnob(gen.oneKnob.base, gen.oneKnob.knob, gen.oneKnob.values, ctx);
  if (gen.grid !== undefined) return grid(gen.grid.base, gen.grid.knobs, ctx);
  if (gen.deepNarrow !== undefined) {
    const { references, axis, tolerance, widths, maxLayers } = gen.deepNarrow;
    const result = deepNarrow({ references, axis, tolerance, maxLayers, widths }, ctx);
    for (const skip of result.skipped) warnings.push(`${path}.deepNarrow: no ${skip.width}-width cell for ${skip.reference}: ${skip.reason}`);
    return result.cells;
  }
  return [];
}

/**
 * Expand a parsed spec into its plan. Order: width scales (outer), generators in spec order, their cells, seeds
 * (inner). The first occurrence of a cellKey wins; later ones are removed with a warning. Throws
 * SWEEP_TOO_LARGE above `maxCells` (checked before expansion where the count is known, so a huge grid is never
 * built) and SWEEP_SPEC_INVALID if a generator rejects its arguments.
 */
export function planSweep(spec: SweepSpec, options: PlanOptions = {}): SweepPlan {
  const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS;
  const generators = spec.cells;
  // Name a lone generator `cells` (how it is usually written), several by index.
  const single = generators.length === 1;
  const lowerBound = generators.reduce((n, gen) => n + minimumCells(gen), 0) * spec.widthScales.length * spec.seeds.length;
  if (lowerBound > maxCells) throw tooLarge(lowerBound, maxCells);

  const { training } = spec;
  const trainingJson = canonicalJson(training);
  const warnings: string[] = [];
  const dropped: DroppedPlannedCell[] = [];
  const cells: PlannedCell[] = [];
  const seen = new Map<string, PlannedCell>();
  for (const widthScale of spec.widthScales) {
    const ctx: CostContext = {
      vocab: spec.vocab,
      inputLength: training.pretrain.inputLength,
      targetLength: training.pretrain.targetLength,
      widthScale,
    };
    generators.forEach((gen, index) => {
      const path = single ? 'cells' : `cells[${index}]`;
      let named: NamedCell[];
      try {
        named = generate(gen, ctx, path, warnings);
      } catch (err) {
        if (!isShapeError(err)) throw err;
        const detail = `${path}: ${err.message}`;
        throw new ShapesweepError('SWEEP_SPEC_INVALID', `invalid sweep spec: ${detail}`, { details: [detail], cause: err });
      }
      const { kept, dropped: overBudget } = applyBudget(named, spec.budget ?? {});
      for (const { cell, reason } of overBudget) {
        dropped.push({ name: cell.name, family: cell.family, widthScale: cell.widthScale, params: cell.cost.params, flopsPerExample: cell.cost.forwardFlopsPerExample, reason });
        warnings.push(`dropped ${cell.name} (over budget: ${reason})`);
      }
      const plannedTrainFlopsByShape = new Map<NamedCell, number>();
      for (const cell of kept) {
        for (const seed of spec.seeds) {
          const cellKey = cellKeyFromJson(cell.shape, trainingJson, seed);
          const first = seen.get(cellKey);
          if (first !== undefined) {
            warnings.push(`removed duplicate ${cell.name} (seed ${seed}): same shape, training and seed as ${first.name}`);
            continue;
          }
          let plannedTrainFlops = plannedTrainFlopsByShape.get(cell);
          if (plannedTrainFlops === undefined) {
            plannedTrainFlops = plannedTrainFlopsFor(cell.shape, training);
            plannedTrainFlopsByShape.set(cell, plannedTrainFlops);
          }
          const planned: PlannedCell = {
            name: cell.name,
            family: cell.family,
            referenceName: cell.referenceName ?? null,
            widthScale: cell.widthScale,
            shape: cell.shape,
            params: cell.cost.params,
            embeddingParams: cell.cost.embeddingParams,
            nonEmbeddingParams: cell.cost.nonEmbeddingParams,
            encoderParams: cell.cost.encoderParams,
            decoderParams: cell.cost.decoderParams,
            flopsPerExample: cell.cost.forwardFlopsPerExample,
            plannedTrainFlops,
            seed,
            cellKey,
          };
          seen.set(cellKey, planned);
          cells.push(planned);
          if (cells.length > maxCells) throw tooLarge(cells.length, maxCells);
        }
      }
    });
  }
  return {
    cells,
    totals: {
      cells: cells.length,
      params: cells.reduce((sum, cell) => sum + cell.params, 0),
      plannedTrainFlops: cells.reduce((sum, cell) => sum + cell.plannedTrainFlops, 0),
    },
    warnings,
    dropped,
    training,
  };
}
