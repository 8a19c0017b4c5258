// A small seeded generator for bootstrap resampling. Determinism matters more than statistical strength here: the
// same seed must give the same confidence intervals on every machine, so no Math.random.

/**
 * Returns a function yielding uniform floats in [0, 1) from a 32-bit seed (the mulberry32 recurrence: one 32-bit
 * state, period 2^32, fast and good enough for resampling indices).
 */
export function seededRandom(seed: number): () => number {
  let state = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
