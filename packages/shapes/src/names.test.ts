import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  KNOBS, PRESETS, PRESET_NAMES, ShapeError, canonicalName, formatCellName, formatName, parseCellName, parseName,
  resolveCellName, shapeOfName, type KnobValues, type ParsedName,
} from './index.js';

function errorOf(fn: () => unknown): ShapeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ShapeError) return err;
    throw err;
  }
  throw new Error('expected a ShapeError');
}

/** Arbitrary valid parsed names: a size and a subset of knobs, never nl together with el/dl. */
const parsedNameArb: fc.Arbitrary<ParsedName> = fc
  .record({
    size: fc.constantFrom(...PRESET_NAMES),
    depth: fc.oneof(
      fc.constant({}),
      fc.record({ nl: fc.integer({ min: 1, max: 256 }) }),
      fc.record({ el: fc.integer({ min: 1, max: 256 }), dl: fc.integer({ min: 1, max: 256 }) }, { requiredKeys: [] }),
    ),
    widths: fc.record(
      { dm: fc.integer({ min: 1, max: 65536 }), ff: fc.integer({ min: 1, max: 1_048_576 }), nh: fc.integer({ min: 1, max: 1024 }), kv: fc.integer({ min: 1, max: 4096 }) },
      { requiredKeys: [] },
    ),
  })
  .map(({ size, depth, widths }) => ({ size, knobs: { ...depth, ...widths } as KnobValues }));

describe('parseName', () => {
  it('parses every standard size to its preset shape', () => {
    for (const size of PRESET_NAMES) {
      expect(parseName(size)).toEqual({ size, knobs: {} });
      expect(shapeOfName(parseName(size), 32128)).toEqual({ ...PRESETS[size], vocab: 32128 });
    }
  });

  it('parses the published checkpoint names with either prefix', () => {
    expect(parseName('small-nl16')).toEqual({ size: 'small', knobs: { nl: 16 } });
    expect(parseName('t5-efficient-large-nh32')).toEqual({ size: 'large', knobs: { nh: 32 } });
    expect(parseName('t5-base-dm512')).toEqual({ size: 'base', knobs: { dm: 512 } });
    expect(parseName('google/t5-efficient-small-el16-dl4')).toEqual({ size: 'small', knobs: { el: 16, dl: 4 } });
  });

  it('applies nl to both stacks and el/dl to one each', () => {
    expect(shapeOfName(parseName('small-nl16'), 512)).toMatchObject({ el: 16, dl: 16, dm: 512 });
    expect(shapeOfName(parseName('small-el16-dl4'), 512)).toMatchObject({ el: 16, dl: 4 });
    expect(shapeOfName(parseName('tiny-ff6000-kv32'), 512)).toMatchObject({ ff: 6000, kv: 32, nh: 4 });
  });

  it('formats knobs in canonical order without the prefix and in lower case', () => {
    expect(canonicalName('T5-Efficient-Small-DL4-EL16')).toBe('small-el16-dl4');
    expect(canonicalName('t5-base-kv32-nl24-dm512')).toBe('base-nl24-dm512-kv32');
  });

  it('names the unknown size and lists the sizes', () => {
    const err = errorOf(() => parseName('bsae-nl4'));
    expect(err.code).toBe('SHAPE_NAME_INVALID');
    expect(err.field).toBe('size');
    expect(err.value).toBe('bsae');
    expect(err.message).toBe('bad shape name "bsae-nl4": unknown size "bsae"; sizes are tiny, mini, small, base, large, xl, xxl');
  });

  it('names the unknown knob and lists the valid knobs', () => {
    const err = errorOf(() => parseName('base-xx12'));
    expect(err.field).toBe('knob');
    expect(err.value).toBe('xx');
    expect(err.message).toBe('bad shape name "base-xx12": unknown knob "xx" in "xx12"; knobs are nl, el, dl, dm, ff, nh, kv');
  });

  it('rejects a part that is not knob-then-integer, listing the knobs', () => {
    for (const name of ['base-nl', 'base-24', 'base-nl2.5', 'base--nl4', 'base-nl-4']) {
      const err = errorOf(() => parseName(name));
      expect(err.field).toBe('knob');
      expect(err.message).toContain('knobs are nl, el, dl, dm, ff, nh, kv');
    }
  });

  it('rejects a knob value with a leading zero', () => {
    expect(errorOf(() => parseName('base-nl012')).message).toBe('bad shape name "base-nl012": nl value "012" has a leading zero');
  });

  it('rejects a knob written twice', () => {
    expect(errorOf(() => parseName('base-nl4-nl8')).message).toBe('bad shape name "base-nl4-nl8": knob nl appears twice');
  });

  it('rejects nl together with el or dl', () => {
    const err = errorOf(() => parseName('base-nl4-el8'));
    expect(err.field).toBe('nl');
    expect(err.message).toContain('nl sets el and dl together');
  });

  it('rejects knob values out of range, naming the knob', () => {
    expect(errorOf(() => parseName('base-nl0')).message).toBe('bad shape name "base-nl0": nl must be a positive integer, got 0');
    expect(errorOf(() => parseName('base-dm100000')).message).toBe('bad shape name "base-dm100000": dm must be at most 65536, got 100000');
  });

  it('rejects an empty name and a width suffix where none is allowed', () => {
    expect(errorOf(() => parseName('')).field).toBe('name');
    expect(errorOf(() => parseName('base@w1/8')).message).toContain('only allowed in a cell name');
  });

  it('round-trips: parseName(formatName(p)) equals p for every valid parsed name', () => {
    fc.assert(fc.property(parsedNameArb, (parsed) => {
      expect(parseName(formatName(parsed))).toEqual(parsed);
    }));
  });

  it('round-trips names written with any prefix and knob order to one canonical form', () => {
    fc.assert(fc.property(parsedNameArb, fc.constantFrom('', 't5-', 't5-efficient-'), fc.infiniteStream(fc.double()), (parsed, prefix, noise) => {
      const parts = KNOBS.flatMap((k) => (parsed.knobs[k] === undefined ? [] : [`${k}${parsed.knobs[k]}`]));
      const shuffled = [...parts].sort(() => (noise.next().value < 0.5 ? -1 : 1));
      const written = [`${prefix}${parsed.size}`, ...shuffled].join('-');
      expect(canonicalName(written)).toBe(formatName(parsed));
      expect(canonicalName(canonicalName(written))).toBe(canonicalName(written));
    }));
  });
});

describe('cell names', () => {
  it('adds an @w suffix for width scales other than 1', () => {
    expect(formatCellName(parseName('base-nl24'), 1 / 8)).toBe('base-nl24@w1/8');
    expect(formatCellName(parseName('base-nl24'), 1)).toBe('base-nl24');
    expect(formatCellName(parseName('small'), 0.75)).toBe('small@w0.75');
  });

  it('parses the suffix back, defaulting to width scale 1', () => {
    expect(parseCellName('base-nl24@w1/8')).toEqual({ name: { size: 'base', knobs: { nl: 24 } }, widthScale: 0.125 });
    expect(parseCellName('base')).toEqual({ name: { size: 'base', knobs: {} }, widthScale: 1 });
    expect(parseCellName('small@w0.5').widthScale).toBe(0.5);
  });

  it('rejects a suffix that is not @w<scale>', () => {
    expect(errorOf(() => parseCellName('base@x2')).field).toBe('widthScale');
    expect(errorOf(() => parseCellName('base@w0')).message).toContain('must be greater than 0');
    expect(errorOf(() => parseCellName('base@wabc')).code).toBe('SHAPE_INVALID');
  });

  it('round-trips cell names for every parsed name and 1/N or decimal scale', () => {
    const scaleArb = fc.oneof(fc.integer({ min: 1, max: 64 }).map((n) => 1 / n), fc.double({ min: 0.01, max: 64, noNaN: true }));
    fc.assert(fc.property(parsedNameArb, scaleArb, (parsed, widthScale) => {
      const text = formatCellName(parsed, widthScale);
      expect(parseCellName(text)).toEqual({ name: parsed, widthScale });
    }));
  });

  it('resolves a cell name to its scaled shape, the suffix winning over the option', () => {
    const cell = resolveCellName('t5-efficient-base-nl24@w1/8', { vocab: 2048, widthScale: 1 / 2 });
    expect(cell.name).toBe('base-nl24@w1/8');
    expect(cell.shape).toEqual({ el: 24, dl: 24, dm: 96, ff: 384, nh: 12, kv: 8, vocab: 2048 });
    expect(resolveCellName('base', { vocab: 2048, widthScale: 0.5 }).name).toBe('base@w1/2');
  });
});
