import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PRESET_NAMES, ShapeError, applyBudget, formatSi, costOnAxis, deepNarrow, grid, gridSize, listCells, oneKnob, withKnob, parseName,
  type CostContext,
} from './index.js';

const cpu: CostContext = { vocab: 2048, inputLength: 64, targetLength: 16, widthScale: 1 / 8 };

describe('listCells', () => {
  it('produces one cell per name, canonically named, with its cost', () => {
    const cells = listCells(['t5-efficient-small-nl16', 'tiny', 'base-dm512'], cpu);
    expect(cells.map((c) => c.name)).toEqual(['small-nl16@w1/8', 'tiny@w1/8', 'base-dm512@w1/8']);
    expect(cells.every((c) => c.family === 'list' && c.referenceName === undefined && c.widthScale === 0.125)).toBe(true);
    expect(cells[0]?.shape).toEqual({ el: 16, dl: 16, dm: 64, ff: 256, nh: 8, kv: 8, vocab: 2048 });
    expect(cells[0]?.cost.inputLength).toBe(64);
  });

  it('uses paper scale by default', () => {
    expect(listCells(['base'])[0]?.cost.params).toBe(222_903_552);
  });

  it('throws a name error for a bad name', () => {
    expect(() => listCells(['small', 'smal'])).toThrow('unknown size "smal"');
  });
});

describe('oneKnob', () => {
  it('makes one cell per value, derived from the base', () => {
    const cells = oneKnob('small', 'nl', [2, 4, 8, 16, 24, 32]);
    expect(cells.map((c) => c.name)).toEqual(['small-nl2', 'small-nl4', 'small-nl8', 'small-nl16', 'small-nl24', 'small-nl32']);
    expect(cells.every((c) => c.family === 'oneknob' && c.referenceName === 'small')).toBe(true);
  });

  it('produces exactly as many cells as values for every knob', () => {
    fc.assert(fc.property(fc.constantFrom('nl', 'el', 'dl', 'dm', 'ff', 'nh', 'kv' as const), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (knob, values) => {
      const cells = oneKnob('tiny', knob, values, cpu);
      expect(cells).toHaveLength(values.length);
    }));
  });

  it('splits nl into el/dl when moving el on an nl base, and drops el/dl when moving nl', () => {
    expect(oneKnob('small-nl16', 'el', [4])[0]?.name).toBe('small-el4-dl16');
    expect(oneKnob('small-el16-dl4', 'nl', [8])[0]?.name).toBe('small-nl8');
    expect(withKnob(parseName('base'), 'dm', 512)).toEqual({ size: 'base', knobs: { dm: 512 } });
  });

  it('rejects an empty value list and out-of-range values, naming the index', () => {
    expect(() => oneKnob('small', 'nl', [])).toThrow('oneKnob.values: needs at least one value');
    expect(() => oneKnob('small', 'dm', [512, 0])).toThrow('oneKnob.values[1]: dm must be a positive integer, got 0');
    expect(() => oneKnob('small', 'xx' as 'nl', [1])).toThrow(ShapeError);
  });
});

describe('grid', () => {
  it('is the cartesian product in canonical knob order, the last knob varying fastest', () => {
    const cells = grid('base', { dm: [512, 1024], nl: [8, 16, 24] });
    expect(cells.map((c) => c.name)).toEqual([
      'base-nl8-dm512', 'base-nl8-dm1024', 'base-nl16-dm512', 'base-nl16-dm1024', 'base-nl24-dm512', 'base-nl24-dm1024',
    ]);
    expect(cells.every((c) => c.family === 'grid' && c.referenceName === 'base')).toBe(true);
  });

  it('produces the product of the list lengths, as gridSize predicts', () => {
    const lists = fc.array(fc.integer({ min: 1, max: 32 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(fc.record({ el: lists, dm: lists, ff: lists, kv: lists }, { requiredKeys: [] }), (knobs) => {
      const cells = grid('tiny', knobs, cpu);
      expect(cells).toHaveLength(gridSize(knobs));
      expect(cells).toHaveLength(Object.values(knobs).reduce((n, values) => n * values.length, 1));
    }));
  });

  it('rejects unknown knobs, empty lists, bad values and nl mixed with el/dl, naming the path', () => {
    expect(() => grid('base', { xx: [1] } as never)).toThrow('grid.knobs.xx: unknown knob "xx"');
    expect(() => grid('base', { dm: [] })).toThrow('grid.knobs.dm: needs at least one value');
    expect(() => grid('base', { dm: [512, 768, -1] })).toThrow('grid.knobs.dm[2]: dm must be a positive integer, got -1');
    expect(() => grid('base', { nl: [4], el: [2] })).toThrow('grid.knobs.nl: nl sets el and dl together');
  });
});

describe('deepNarrow', () => {
  it('matches base with small and mini widths at paper scale and includes base itself', () => {
    const { cells, skipped } = deepNarrow({ references: ['base'] });
    expect(cells.map((c) => [c.name, c.family, c.referenceName])).toEqual([
      ['base', 'reference', 'base'],
      ['mini-nl45', 'deepnarrow', 'base'],
      ['small-nl28', 'deepnarrow', 'base'],
    ]);
    // tiny's width cannot reach base's 222.9M within 48 layers.
    expect(skipped).toEqual([expect.objectContaining({ reference: 'base', width: 'tiny' })]);
    expect(skipped[0]?.reason).toContain('closest tiny-nl48');
  });

  it('uses only the widths asked for, reporting the ones not narrower', () => {
    const { cells, skipped } = deepNarrow({ references: ['small'], widths: ['tiny', 'base'] }, cpu);
    expect(cells.map((c) => c.name)).toEqual(['small@w1/8', 'tiny-nl26@w1/8']);
    expect(skipped).toEqual([{ reference: 'small@w1/8', width: 'base', reason: 'base is not narrower than small@w1/8' }]);
  });

  it('keeps every match within tolerance of its reference, deeper than it, on either axis', () => {
    const references = fc.subarray(['mini', 'small', 'base', 'large'], { minLength: 1 });
    const context = fc.record({
      widthScale: fc.constantFrom(1, 1 / 2, 1 / 8, 1 / 16),
      vocab: fc.constantFrom(2048, 8192, 32128),
      inputLength: fc.constantFrom(64, 512),
      targetLength: fc.constantFrom(16, 114),
    });
    fc.assert(fc.property(references, fc.constantFrom('params' as const, 'flops' as const), fc.double({ min: 0.01, max: 0.3, noNaN: true }), context, (refs, axis, tolerance, ctx) => {
      const { cells, skipped } = deepNarrow({ references: refs, axis, tolerance }, ctx);
      const byName = new Map(cells.map((c) => [c.name, c]));
      expect(cells.filter((c) => c.family === 'reference')).toHaveLength(refs.length);
      for (const cell of cells.filter((c) => c.family === 'deepnarrow')) {
        const reference = byName.get(cell.referenceName ?? '');
        expect(reference).toBeDefined();
        if (reference === undefined) continue;
        const target = costOnAxis(reference.cost, axis);
        expect(Math.abs(costOnAxis(cell.cost, axis) - target) / target).toBeLessThanOrEqual(tolerance);
        expect(cell.shape.el).toBeGreaterThan(reference.shape.el);
        expect(cell.shape.dm).toBeLessThanOrEqual(reference.shape.dm);
      }
      for (const skip of skipped) expect(PRESET_NAMES).toContain(skip.width);
    }), { numRuns: 40 });
  });

  it('validates its options, naming the field', () => {
    expect(() => deepNarrow({ references: [] })).toThrow('deepNarrow.references: needs at least one reference');
    expect(() => deepNarrow({ references: ['base'], tolerance: 0 })).toThrow('deepNarrow.tolerance: must be in (0, 1)');
    expect(() => deepNarrow({ references: ['base'], axis: 'speed' as 'params' })).toThrow('deepNarrow.axis');
    expect(() => deepNarrow({ references: ['base'], maxLayers: 0 })).toThrow('deepNarrow.maxLayers: nl must be a positive integer, got 0');
    expect(() => deepNarrow({ references: ['base'], widths: ['huge' as 'tiny'] })).toThrow('deepNarrow.widths[0]: unknown size');
  });
});

describe('formatSi', () => {
  it('writes SI prefixes up to peta and scientific notation above', () => {
    expect(formatSi(512)).toBe('512');
    expect(formatSi(222_903_552)).toBe('222.9M');
    expect(formatSi(425_311_741_440, 2)).toBe('425.31G');
    expect(formatSi(3.4e17)).toBe('340.0P');
    expect(formatSi(2.85e19, 2)).toBe('2.85e19');
  });
});

describe('applyBudget', () => {
  it('keeps cells within the budget and reports each dropped one with its reason', () => {
    const cells = listCells(['tiny', 'small', 'base']);
    const { kept, dropped } = applyBudget(cells, { maxParams: 100e6 });
    expect(kept.map((c) => c.name)).toEqual(['tiny', 'small']);
    expect(dropped.map((d) => [d.cell.name, d.reason])).toEqual([['base', 'params 222.9M > maxParams 100.0M']]);
  });

  it('filters on forward FLOPs per example and on both axes at once', () => {
    const cells = listCells(['tiny', 'small', 'base']);
    const smallFlops = cells[1]?.cost.forwardFlopsPerExample ?? 0;
    expect(applyBudget(cells, { maxFlops: smallFlops }).kept.map((c) => c.name)).toEqual(['tiny', 'small']);
    const both = applyBudget(cells, { maxParams: 20e6, maxFlops: smallFlops });
    expect(both.dropped.find((d) => d.cell.name === 'base')?.reason).toMatch(/^params .* > maxParams 20\.0M; forward FLOPs\/example .* > maxFlops /);
    expect(applyBudget(cells, {}).kept).toHaveLength(3);
  });
});
