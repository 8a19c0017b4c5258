// T5 relative position buckets (Raffel et al. 2020): half the buckets hold exact small distances, the other half
// logarithmically larger ones up to maxDistance; bidirectional stacks (the encoder) spend half of all buckets on
// keys after the query, unidirectional ones (decoder self-attention) see only keys at or before the query.
import { RELATIVE_BUCKETS, RELATIVE_MAX_DISTANCE } from './shape.js';

/**
 * The bucket of a key at `relativePosition` = keyPosition − queryPosition.
 * @param bidirectional true in the encoder, false in the decoder's self-attention.
 */
export function relativePositionBucket(
  relativePosition: number,
  bidirectional: boolean,
  numBuckets = RELATIVE_BUCKETS,
  maxDistance = RELATIVE_MAX_DISTANCE,
): number {
  let bucket = 0;
  let buckets = numBuckets;
  // n > 0 means the key lies before the query.
  let n = -relativePosition;
  if (bidirectional) {
    buckets = Math.floor(buckets / 2);
    if (n < 0) bucket += buckets;
    n = Math.abs(n);
  } else {
    n = Math.max(n, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (n < maxExact) return bucket + n;
  const large = maxExact + Math.floor((Math.log(n / maxExact) / Math.log(maxDistance / maxExact)) * (buckets - maxExact));
  return bucket + Math.min(large, buckets - 1);
}

/** [queryLength·keyLength, numBuckets] one-hot rows of each (query, key) pair's bucket, row-major by query. */
export function bucketOneHot(queryLength: number, keyLength: number, bidirectional: boolean): Float32Array {
  const out = new Float32Array(queryLength * keyLength * RELATIVE_BUCKETS);
  for (let q = 0; q < queryLength; q++) {
    for (let k = 0; k < keyLength; k++) {
      const row = q * keyLength + k;
      out[row * RELATIVE_BUCKETS + relativePositionBucket(k - q, bidirectional)] = 1;
    }
  }
  return out;
}
