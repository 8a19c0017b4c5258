import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_VOCAB, SHAPE_FIELDS, SHAPE_MAX, ShapeError, validateShape, sameShape } from './index.js';

const tiny = { el: 4, dl: 4, dm: 256, ff: 1024, nh: 4, kv: 64, vocab: 32128 };

function errorOf(fn: () => unknown): ShapeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ShapeError) return err;
    throw err;
  }
  throw new Error('expected a ShapeError');
}

describe('validateShape', () => {
  it('accepts a valid shape and returns an equal frozen copy', () => {
    const shape = validateShape(tiny);
    expect(shape).toEqual(tiny);
    expect(Object.isFrozen(shape)).toBe(true);
    expect(sameShape(shape, tiny)).toBe(true);
  });

  it.each(SHAPE_FIELDS)('rejects a non-integer %s, naming the field and the value', (field) => {
    const err = errorOf(() => validateShape({ ...tiny, [field]: 2.5 }));
    expect(err.code).toBe('SHAPE_INVALID');
    expect(err.field).toBe(field);
    expect(err.value).toBe(2.5);
    expect(err.message).toBe(`${field} must be an integer, got 2.5`);
  });

  it.each(SHAPE_FIELDS.filter((f) => f !== 'vocab'))('rejects a zero or negative %s', (field) => {
    for (const value of [0, -3]) {
      const err = errorOf(() => validateShape({ ...tiny, [field]: value }));
      expect(err.field).toBe(field);
      expect(err.message).toBe(`${field} must be a positive integer, got ${value}`);
    }
  });

  it.each(SHAPE_FIELDS)('rejects a %s above its upper bound', (field) => {
    const value = SHAPE_MAX[field] + 1;
    const err = errorOf(() => validateShape({ ...tiny, [field]: value }));
    expect(err.field).toBe(field);
    expect(err.message).toBe(`${field} must be at most ${SHAPE_MAX[field]}, got ${value}`);
  });

  it('rejects a vocabulary too small for the special, byte and sentinel tokens', () => {
    const err = errorOf(() => validateShape({ ...tiny, vocab: MIN_VOCAB - 1 }));
    expect(err.field).toBe('vocab');
    expect(err.message).toContain(`vocab must be at least ${MIN_VOCAB}`);
    expect(err.message).toContain(`got ${MIN_VOCAB - 1}`);
    expect(validateShape({ ...tiny, vocab: MIN_VOCAB }).vocab).toBe(MIN_VOCAB);
  });

  it('rejects a string where a number belongs, quoting the value', () => {
    expect(() => validateShape({ ...tiny, dm: '512' })).toThrow('dm must be an integer, got "512"');
  });

  it('rejects a missing field', () => {
    const { kv: _kv, ...rest } = tiny;
    const err = errorOf(() => validateShape(rest));
    expect(err.field).toBe('kv');
    expect(err.message).toBe('shape is missing kv');
  });

  it('rejects an unknown field', () => {
    const err = errorOf(() => validateShape({ ...tiny, nl: 4 }));
    expect(err.field).toBe('nl');
    expect(err.message).toContain('unknown shape field "nl"');
  });

  it('rejects something that is not an object', () => {
    for (const input of [null, 3, 'tiny', [1, 2]]) {
      expect(errorOf(() => validateShape(input)).field).toBe('shape');
    }
  });

  it('accepts every shape whose fields are within bounds', () => {
    const dim = (field: (typeof SHAPE_FIELDS)[number]) => fc.integer({ min: field === 'vocab' ? MIN_VOCAB : 1, max: SHAPE_MAX[field] });
    fc.assert(
      fc.property(fc.record({ el: dim('el'), dl: dim('dl'), dm: dim('dm'), ff: dim('ff'), nh: dim('nh'), kv: dim('kv'), vocab: dim('vocab') }), (shape) => {
        expect(validateShape(shape)).toEqual(shape);
      }),
    );
  });
});
