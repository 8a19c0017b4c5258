// A small seeded PRNG with a serialisable state, so a data stream can be checkpointed and resumed exactly.
// xoshiro128** (Blackman & Vigna): 128 bits of state as four uint32 words, period 2^128 - 1, good statistical
// quality, and only 32-bit integer ops (Math.imul), which JavaScript does exactly and fast. Seeds are expanded with
// splitmix32 so that nearby seeds (1, 2, 3…) give unrelated streams.
import { z } from 'zod';

/** The RNG state: four uint32 words, never all zero. JSON-serialisable as is. */
export const RngStateSchema = z
  .tuple([z.number().int().min(0).max(0xffffffff), z.number().int().min(0).max(0xffffffff), z.number().int().min(0).max(0xffffffff), z.number().int().min(0).max(0xffffffff)])
  .refine((s) => s.some((w) => w !== 0), { message: 'xoshiro128** state must not be all zero' });
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: RngState) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** A generator seeded from any integer (taken modulo 2^32 after mixing in the high bits). */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
    const high = Math.floor(seed / 0x100000000) >>> 0;
    const next = splitmix32((seed >>> 0) ^ Math.imul(high, 0x27d4eb2d));
    const state: RngState = [next(), next(), next(), next()];
    if (state.every((w) => w === 0)) state[0] = 1;
    return new Rng(state);
  }

  static fromState(state: readonly number[]): Rng {
    const parsed = RngStateSchema.safeParse(state);
    if (!parsed.success) throw new RangeError(`invalid RNG state ${JSON.stringify(state)}: ${parsed.error.issues[0]?.message ?? ''}`);
    return new Rng([...parsed.data]);
  }

  /** A copy of the current state; `Rng.fromState(rng.state())` continues the identical stream. */
  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** The next uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** A uniform integer in [0, n), without modulo bias (rejection sampling). n ≤ 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
