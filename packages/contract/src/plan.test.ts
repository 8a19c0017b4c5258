import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countParams, resolveCellName, trainFlopsPerExample } from '@shapesweep/shapes';
import {
  FINETUNE_TARGET_LENGTH, ShapesweepError, TrainingConfigSchema, canonicalJson, cellKeyFor, jobIdFor, parseSweepSpec, planSweep,
  type SweepSpecInput, type TrainingConfigInput,
} from './index.js';

const cpuTraining: TrainingConfigInput = { pretrain: { steps: 10, batchSize: 4, inputLength: 32, targetLength: 8 }, finetune: { steps: 5, batchSize: 2, inputLength: 16, tasks: ['sentiment', 'spam'] } };
const plan = (input: SweepSpecInput, maxCells?: number) => planSweep(parseSweepSpec(input), maxCells === undefined ? {} : { maxCells });

describe('planSweep', () => {
  it('plans a named cell with exact costs, planned FLOPs and a cell key', () => {
    const result = plan({ name: 'one', cells: { names: ['tiny'] }, widthScales: ['1/8'], vocab: 512, training: cpuTraining });
    const shape = resolveCellName('tiny@w1/8', { vocab: 512 }).shape;
    const training = TrainingConfigSchema.parse(cpuTraining);
    const pretrain = trainFlopsPerExample(shape, { inputLength: 32, targetLength: 8 }) * 10 * 4;
    const finetune = trainFlopsPerExample(shape, { inputLength: 16, targetLength: FINETUNE_TARGET_LENGTH }) * 5 * 2 * 2;
    expect(result.cells).toEqual([{
      name: 'tiny@w1/8',
      family: 'list',
      referenceName: null,
      widthScale: 0.125,
      shape,
      ...countParams(shape),
      flopsPerExample: trainFlopsPerExample(shape, { inputLength: 32, targetLength: 8 }) / 3,
      plannedTrainFlops: pretrain + finetune,
      seed: 0,
      cellKey: cellKeyFor(shape, training, 0),
    }]);
    expect(result.totals).toEqual({ cells: 1, params: countParams(shape).params, plannedTrainFlops: pretrain + finetune });
    expect(result.warnings).toEqual([]);
    expect(result.training).toEqual(training);
  });

  it('multiplies generators by width scales and seeds, width scale outermost and seed innermost', () => {
    const result = plan({ name: 'x', cells: [{ names: ['tiny'] }, { oneKnob: { base: 'mini', knob: 'dm', values: [128, 256] } }], widthScales: ['1/8', '1/4'], seeds: [0, 1], vocab: 512, training: cpuTraining });
    expect(result.cells.map((c) => `${c.name}#${c.seed}`)).toEqual([
      'tiny@w1/8#0', 'tiny@w1/8#1', 'mini-dm128@w1/8#0', 'mini-dm128@w1/8#1', 'mini-dm256@w1/8#0', 'mini-dm256@w1/8#1',
      'tiny@w1/4#0', 'tiny@w1/4#1', 'mini-dm128@w1/4#0', 'mini-dm128@w1/4#1', 'mini-dm256@w1/4#0', 'mini-dm256@w1/4#1',
    ]);
    expect(result.cells[2]?.referenceName).toBe('mini@w1/8');
    expect(new Set(result.cells.map((c) => c.cellKey)).size).toBe(12);
  });

  it('removes duplicate shapes with a warning, keeping the first', () => {
    const result = plan({ name: 'dup', cells: [{ names: ['small'] }, { oneKnob: { base: 'small', knob: 'nl', values: [4, 6, 8] } }], vocab: 512, training: cpuTraining });
    expect(result.cells.map((c) => c.name)).toEqual(['small', 'small-nl4', 'small-nl8']);
    expect(result.warnings).toEqual(['removed duplicate small-nl6 (seed 0): same shape, training and seed as small']);
  });

  it('drops cells over the budget, listing and warning about each', () => {
    const result = plan({ name: 'b', cells: { names: ['tiny', 'small', 'base'] }, budget: { maxParams: 100e6 }, vocab: 32128, training: cpuTraining });
    expect(result.cells.map((c) => c.name)).toEqual(['tiny', 'small']);
    expect(result.dropped).toEqual([expect.objectContaining({ name: 'base', family: 'list', params: 222_903_552, reason: 'params 222.9M > maxParams 100.0M' })]);
    expect(result.warnings).toEqual(['dropped base (over budget: params 222.9M > maxParams 100.0M)']);
  });

  it('warns about DeepNarrow widths that match no depth', () => {
    const result = plan({ name: 'dn', cells: { deepNarrow: { references: ['base'] } }, vocab: 32128, training: cpuTraining });
    expect(result.cells.map((c) => [c.name, c.family, c.referenceName])).toEqual([
      ['base', 'reference', 'base'], ['mini-nl45', 'deepnarrow', 'base'], ['small-nl28', 'deepnarrow', 'base'],
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^cells\.deepNarrow: no tiny-width cell for base: no depth in \[13, 48\]/);
  });

  it('refuses plans over maxCells before building a huge grid', () => {
    const huge: SweepSpecInput = { name: 'h', cells: { grid: { base: 'tiny', knobs: { el: range(100), dl: range(100), dm: range(100) } } } };
    expect(() => plan(huge, 10_000)).toThrow(ShapesweepError);
    expect(() => plan(huge, 10_000)).toThrow('the sweep has at least 1000000 cells; the limit is 10000');
    expect(() => plan({ name: 'dn', cells: { deepNarrow: { references: ['base'] } }, vocab: 32128 }, 2)).toThrow('the sweep has at least 3 cells; the limit is 2');
  });

  it('gives the same cell the same key in every sweep, and a different key for other training or seed', () => {
    const a = plan({ name: 'a', cells: { names: ['tiny'] }, vocab: 512 }).cells[0];
    const b = plan({ name: 'b', description: 'other sweep', priority: 3, cells: { grid: { base: 'tiny', knobs: {} } }, vocab: 512 }).cells[0];
    const c = plan({ name: 'c', cells: { names: ['tiny'] }, vocab: 512, seeds: [1] }).cells[0];
    const d = plan({ name: 'd', cells: { names: ['tiny'] }, vocab: 512, training: { pretrain: { steps: 301 } } }).cells[0];
    expect(a?.cellKey).toMatch(/^[0-9a-f]{24}$/);
    expect(b?.cellKey).toBe(a?.cellKey);
    expect(c?.cellKey).not.toBe(a?.cellKey);
    expect(d?.cellKey).not.toBe(a?.cellKey);
  });
});

describe('canonicalJson and ids', () => {
  it('sorts keys at every level and omits undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"f":1}]},"b":1}');
  });

  it('keys a cell by the sha256 of the canonical JSON of its shape, training and seed', () => {
    const training = TrainingConfigSchema.parse({});
    const shape = { vocab: 512, kv: 8, nh: 4, ff: 128, dm: 32, dl: 4, el: 4 };
    const expected = createHash('sha256').update(canonicalJson({ shape, training, seed: 7 })).digest('hex').slice(0, 24);
    expect(cellKeyFor(shape, training, 7)).toBe(expected);
    expect(cellKeyFor(shape, training, 7)).toBe(expected);
  });

  it('derives a stable BullMQ-safe job id from sweep id and cell key', () => {
    const id = jobIdFor('sweep-1', 'abc');
    expect(id).toMatch(/^run_[0-9a-f]{24}$/);
    expect(jobIdFor('sweep-1', 'abc')).toBe(id);
    expect(jobIdFor('sweep-2', 'abc')).not.toBe(id);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
