import { describe, expect, it } from 'vitest';
import { rollupCandidates, type RollupRow } from './curves.js';

function block(block: number, min: [number, number], max: [number, number], points = 256): RollupRow {
  return { block, points, min_step: min[0], min_value: min[1], max_step: max[0], max_value: max[1] };
}

describe('rollupCandidates', () => {
  it('keeps every block as its own bucket when there are no more blocks than buckets', () => {
    const blocks = [block(0, [3, 1], [7, 5]), block(1, [300, 0.5], [260, 9]), block(2, [600, 2], [700, 4])];
    expect(rollupCandidates(blocks, 8)).toEqual(blocks);
  });

  it('merges blocks into equal-width buckets with the exact extremes and summed counts', () => {
    const blocks = [block(0, [3, 1], [7, 5]), block(1, [300, 0.5], [260, 9]), block(2, [600, 2], [700, 4]), block(3, [800, 3], [900, 12])];
    expect(rollupCandidates(blocks, 2)).toEqual([
      block(0, [300, 0.5], [260, 9], 512),
      block(2, [600, 2], [900, 12], 512),
    ]);
  });

  it('breaks ties like the SQL aggregate: the smaller step for a minimum, the larger for a maximum', () => {
    const merged = rollupCandidates([block(0, [10, 1], [20, 5]), block(1, [300, 1], [400, 5])], 1);
    expect(merged).toEqual([block(0, [10, 1], [400, 5], 512)]);
  });

  it('orders NaN above every number, as Postgres does', () => {
    const merged = rollupCandidates([block(0, [10, 1], [20, Number.NaN]), block(1, [300, -1], [400, 1e300])], 1);
    expect(merged[0]!.max_step).toBe(20);
    expect(merged[0]!.max_value).toBeNaN();
    expect(merged[0]!.min_value).toBe(-1);
  });

  it('returns nothing for a curve without blocks', () => {
    expect(rollupCandidates([], 10)).toEqual([]);
  });
});
