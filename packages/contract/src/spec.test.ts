import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ShapesweepError, TrainingConfigSchema, formatIssuePath, parseSweepSpec } from './index.js';

function detailsOf(input: unknown): readonly string[] {
  try {
    parseSweepSpec(input);
  } catch (err) {
    if (err instanceof ShapesweepError) {
      expect(err.code).toBe('SWEEP_SPEC_INVALID');
      expect(err.status).toBe(400);
      expect(err.message).toBe(`invalid sweep spec: ${err.details.join('; ')}`);
      return err.details;
    }
    throw err;
  }
  throw new Error('expected SWEEP_SPEC_INVALID');
}

describe('parseSweepSpec', () => {
  it('applies every default to a minimal spec', () => {
    const spec = parseSweepSpec({ name: 'mini', cells: { names: ['tiny'] } });
    expect(spec).toEqual({
      name: 'mini',
      cells: [{ names: ['tiny'] }],
      widthScales: [1],
      vocab: 8192,
      training: TrainingConfigSchema.parse({}),
      seeds: [0],
      priority: 0,
    });
  });

  it('reads every generator kind from YAML, parsing "1/8" width scales and filling DeepNarrow defaults', () => {
    const spec = parseSweepSpec(parseYaml(`
name: all kinds
widthScales: ["1/8", 0.5, "1"]
vocab: 2048
seeds: [0, 1]
priority: 5
budget: { maxParams: 1e6 }
training: { pretrain: { steps: 10 }, finetune: { tasks: [sentiment] } }
cells:
  - names: [small, t5-efficient-small-nl16]
  - oneKnob: { base: small, knob: nl, values: [2, 4, 8] }
  - grid: { base: base, knobs: { dm: [256, 512], ff: [1024] } }
  - deepNarrow: { references: [base] }
`));
    expect(spec.widthScales).toEqual([0.125, 0.5, 1]);
    expect(spec.training.pretrain.steps).toBe(10);
    expect(spec.training.pretrain.batchSize).toBe(16);
    expect(spec.cells[3]).toEqual({ deepNarrow: { references: ['base'], axis: 'params', tolerance: 0.05, maxLayers: 48 } });
  });

  it('names the path and value of a bad grid value', () => {
    expect(detailsOf({ name: 's', cells: { grid: { base: 'base', knobs: { dm: [512, 768, 100000] } } } })).toEqual([
      'cells.grid.knobs.dm[2]: dm must be at most 65536, got 100000',
    ]);
    expect(detailsOf({ name: 's', cells: [{ names: ['tiny'] }, { grid: { base: 'base', knobs: { dm: [512, 2.5] } } }] })).toEqual([
      'cells[1].grid.knobs.dm[1]: Invalid input: expected int, received number (got 2.5)',
    ]);
  });

  it('reports every issue, one detail each', () => {
    const details = detailsOf({
      name: '',
      cells: { names: ['small', 'bsae'] },
      widthScales: ['1/0'],
      vocab: 100,
      seeds: [-1],
      extra: true,
    });
    expect(details).toEqual([
      'name: Too small: expected string to have >=1 characters (got "")',
      'cells.names[1]: bad shape name "bsae": unknown size "bsae"; sizes are tiny, mini, small, base, large, xl, xxl',
      'widthScales[0]: widthScale "1/0": division by zero',
      'vocab: Too small: expected number to be >=375 (got 100)',
      'seeds[0]: Too small: expected number to be >=0 (got -1)',
      '(root): Unrecognized key: "extra"',
    ]);
  });

  it('rejects unknown keys inside generators and the training config', () => {
    expect(detailsOf({ name: 's', cells: { grid: { base: 'base', knobs: { xx: [1] } } } })).toEqual(['cells.grid.knobs: Unrecognized key: "xx"']);
    expect(detailsOf({ name: 's', cells: { names: ['tiny'] }, training: { pretrain: { stepz: 3 } } })).toEqual([
      'training.pretrain: Unrecognized key: "stepz"',
    ]);
  });

  it('requires exactly one kind per generator', () => {
    expect(detailsOf({ name: 's', cells: {} })).toEqual(['cells: a generator needs one of names, oneKnob, grid, deepNarrow']);
    expect(detailsOf({ name: 's', cells: [{ names: ['tiny'], grid: { base: 'tiny', knobs: {} } }] })).toEqual([
      'cells[0]: a generator has exactly one of names, oneKnob, grid, deepNarrow, got names and grid',
    ]);
  });

  it('checks one-knob values against that knob, nl against el/dl in grids, and DeepNarrow options', () => {
    expect(detailsOf({ name: 's', cells: { oneKnob: { base: 'small', knob: 'nl', values: [4, 0] } } })).toEqual([
      'cells.oneKnob.values[1]: nl must be a positive integer, got 0',
    ]);
    expect(detailsOf({ name: 's', cells: { oneKnob: { base: 'small', knob: 'depth', values: [4] } } })[0]).toMatch(
      /^cells\.oneKnob\.knob: Invalid option: expected one of "nl"\|"el"\|"dl"\|"dm"\|"ff"\|"nh"\|"kv" \(got "depth"\)$/,
    );
    expect(detailsOf({ name: 's', cells: { grid: { base: 'small', knobs: { nl: [4], el: [2] } } } })).toEqual([
      'cells.grid.knobs.nl: nl sets el and dl together; use either nl or el/dl',
    ]);
    expect(detailsOf({ name: 's', cells: { deepNarrow: { references: ['base'], tolerance: 1.5, axis: 'speed' } } })).toEqual([
      'cells.deepNarrow.axis: Invalid option: expected one of "params"|"flops" (got "speed")',
      'cells.deepNarrow.tolerance: Too big: expected number to be <1 (got 1.5)',
    ]);
  });

  it('rejects input that is not an object', () => {
    expect(detailsOf('name: x')[0]).toMatch(/^\(root\): Invalid input: expected object, received string/);
  });

  it('formats issue paths with dots for keys and brackets for indices', () => {
    expect(formatIssuePath(['cells', 0, 'grid', 'knobs', 'dm', 2])).toBe('cells[0].grid.knobs.dm[2]');
    expect(formatIssuePath([])).toBe('(root)');
  });
});
