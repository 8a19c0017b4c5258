import { describe, expect, it } from 'vitest';
import { forEachLimited } from './pool.js';

describe('forEachLimited', () => {
  it('never has more than the limit in flight and reports every item, errors included', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: [number, number | string][] = [];
    await forEachLimited(
      [1, 2, 3, 4, 5, 6, 7],
      3,
      async (n) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5 * (n % 3)));
        inFlight -= 1;
        if (n === 4) throw new Error('four');
        return n * 10;
      },
      (n, result) => seen.push([n, result instanceof Error ? result.message : result]),
    );
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a[0] - b[0])).toEqual([[1, 10], [2, 20], [3, 30], [4, 'four'], [5, 50], [6, 60], [7, 70]]);
  });

  it('starts nothing new after the signal aborts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await forEachLimited([1, 2, 3, 4], 1, async (n) => {
      started.push(n);
      if (n === 2) controller.abort();
    }, () => undefined, controller.signal);
    expect(started).toEqual([1, 2]);
  });
});
