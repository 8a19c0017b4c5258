import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRanks, groupByRelativeTolerance, kendallTau, spearman, spearmanWithinGroups } from './rank.js';

/** Kendall's tau-b by its O(n²) definition. */
function kendallBrute(a: readonly number[], b: readonly number[]): number | null {
  let concordant = 0;
  let discordant = 0;
  let tiesAOnly = 0;
  let tiesBOnly = 0;
  for (let i = 0; i < a.length; i += 1) {
    for (let j = i + 1; j < a.length; j += 1) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesAOnly += 1;
      else if (db === 0) tiesBOnly += 1;
      else if (da === db) concordant += 1;
      else discordant += 1;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesAOnly) * (concordant + discordant + tiesBOnly));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

describe('averageRanks', () => {
  it('gives tied values the mean of the ranks they span', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 3, 3])).toEqual([3, 1, 3, 3]);
    expect(averageRanks([])).toEqual([]);
  });
});

describe('spearman', () => {
  it('is 1 for a monotone pair, −1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [10, 100, 1000, 10000])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });

  it('matches a hand computation with ties: ranks (1,2.5,2.5,4) vs (1,2,3,4) → 0.9487', () => {
    // Centred ranks (−1.5, 0, 0, 1.5) and (−1.5, −0.5, 0.5, 1.5): cov = 2.25 + 0 + 0 + 2.25 = 4.5;
    // var_a = 2.25+0+0+2.25 = 4.5, var_b = 2.25+0.25+0.25+2.25 = 5; ρ = 4.5/√(4.5·5) = 0.948683.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.948683, 6);
  });

  it('is null when undefined (one pair, or a constant side) and throws on unequal lengths', () => {
    expect(spearman([1], [2])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => spearman([1, 2], [1])).toThrow('samples differ in length (2 vs 1)');
    expect(() => spearman([1, Number.NaN], [1, 2])).toThrow('pair 1 is not finite');
  });

  it('is symmetric and invariant under monotone transforms', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })), { minLength: 2, maxLength: 30 }), (pairs) => {
        const a = pairs.map((p) => p[0]);
        const b = pairs.map((p) => p[1]);
        const rho = spearman(a, b);
        expect(spearman(b, a)).toBe(rho);
        const transformed = spearman(a.map((v) => Math.exp(v)), b.map((v) => v * 3 + 1));
        if (rho === null) expect(transformed).toBeNull();
        else expect(transformed).toBeCloseTo(rho, 12);
      }),
    );
  });
});

describe('kendallTau', () => {
  it('matches the hand value: (1,2,3) vs (1,3,2) has 2 concordant and 1 discordant pair → 1/3', () => {
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
  });

  it('equals the O(n²) tau-b definition on random data with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { maxLength: 40 }), (pairs) => {
        const a = pairs.map((p) => p[0]);
        const b = pairs.map((p) => p[1]);
        const fast = kendallTau(a, b);
        const brute = pairs.length < 2 ? null : kendallBrute(a, b);
        if (brute === null) expect(fast).toBeNull();
        else expect(fast).toBeCloseTo(brute, 12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('groupByRelativeTolerance', () => {
  it('groups values within +10% of each group’s first (smallest) member', () => {
    const groups = groupByRelativeTolerance([100, 250, 105, 110, 111, 240, 1000], (v) => v);
    expect(groups.map((g) => g.items)).toEqual([[100, 105, 110], [111], [240, 250], [1000]]);
    expect(groups[0]).toMatchObject({ key: '~100', min: 100, max: 110 });
  });

  it('puts every finite item in exactly one group whose span is within the tolerance', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e9, noNaN: true }), { maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, tolerance) => {
        const groups = groupByRelativeTolerance(values, (v) => v, tolerance);
        expect(groups.flatMap((g) => g.items).sort((p, q) => p - q)).toEqual([...values].sort((p, q) => p - q));
        for (const g of groups) expect(g.max).toBeLessThanOrEqual(g.min * (1 + tolerance));
      }),
    );
  });
});

describe('spearmanWithinGroups', () => {
  it('correlates inside each group and averages weighted by group size', () => {
    const items = [
      { g: 'small', a: 1, b: 1 },
      { g: 'small', a: 2, b: 2 },
      { g: 'small', a: 3, b: 3 },
      { g: 'base', a: 1, b: 2 },
      { g: 'base', a: 2, b: 1 },
      { g: 'large', a: 1, b: 1 },
    ];
    const result = spearmanWithinGroups(items, (i) => i.g);
    expect(result.groups).toEqual([
      { key: 'small', n: 3, spearman: 1 },
      { key: 'base', n: 2, spearman: -1 },
      { key: 'large', n: 1, spearman: null },
    ]);
    // (3·1 + 2·(−1)) / 5 = 0.2; the single-run group carries no ranking.
    expect(result.meanSpearman).toBeCloseTo(0.2, 12);
    expect(result.n).toBe(5);
  });
});
