// Content hashes used for deterministic splits and cache keys. SHA-256 from node:crypto: stable across platforms
// and Node versions, unlike any hash of JavaScript object iteration order.
import { createHash } from 'node:crypto';

/** Hex SHA-256 of a string (UTF-8) or of several strings joined unambiguously (each length-prefixed). */
export function sha256Hex(...parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(`${Buffer.byteLength(p)}:`);
    h.update(p);
  }
  return h.digest('hex');
}

/** A deterministic bucket in [0, buckets) from the text's SHA-256 (first 48 bits, so the modulo bias is negligible). */
export function hashBucket(text: string, buckets: number): number {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return parseInt(hex, 16) % buckets;
}
