// Deterministic initial values: a seeded PRNG per variable (seed × variable name), so adding a variable never shifts
// the values of the others and every backend starts from the same bits.

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` samples of N(0, stddev²) from the stream named by (seed, name), by Box–Muller. */
export function seededNormal(seed: number, name: string, size: number, stddev: number): Float32Array {
  const next = mulberry32(fnv1a(`${seed}:${name}`) ^ Math.imul(seed, 0x9e3779b1));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - next())) * stddev;
    const angle = 2 * Math.PI * next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < size) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
