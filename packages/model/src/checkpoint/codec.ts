// One checkpoint = one binary file:
//   bytes 0..7     magic "SSWPCKPT"
//   bytes 8..11    header length H in bytes (uint32, little-endian)
//   bytes 12..     H bytes of UTF-8 JSON header (CheckpointHeaderSchema), then zero padding to a multiple of 4
//   then           the tensors' float32 values, little-endian, concatenated in header order
// The file length must equal the header's promise exactly and the data must hash to its SHA-256, so truncation and
// corruption are caught at load (CHECKPOINT_INVALID), never half-applied to a model.
import { createHash } from 'node:crypto';
import { ShapesweepError } from '@shapesweep/contract';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointHeaderSchema, type Checkpoint, type CheckpointHeader, type TensorEntry } from './checkpoint.js';

const MAGIC = Buffer.from('SSWPCKPT', 'ascii');
const PREFIX_BYTES = MAGIC.length + 4;
// 64 MiB of JSON is far beyond any real header (the tokenizer's merges are ~100 KB at vocab 32k).
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Float32Array views use the platform's byte order; every platform Node 20 ships on is little-endian.
  throw new Error('shapesweep checkpoints assume a little-endian platform');
}

function tensorsOf(checkpoint: Checkpoint): { entries: TensorEntry[]; arrays: Float32Array[] } {
  const entries: TensorEntry[] = [];
  const arrays: Float32Array[] = [];
  const add = (group: TensorEntry['group'], map: ReadonlyMap<string, Float32Array>): void => {
    for (const [name, values] of map) {
      entries.push({ group, name, length: values.length });
      arrays.push(values);
    }
  };
  add('weights', checkpoint.weights);
  add('optimizer', checkpoint.optimizer.slots);
  if (checkpoint.baseWeights !== null) add('base', checkpoint.baseWeights);
  return { entries, arrays };
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The file's bytes as a list of chunks (so large tensors are not copied into one buffer before writing). */
export function encodeCheckpoint(checkpoint: Checkpoint): { chunks: Uint8Array[]; bytes: number } {
  const { entries, arrays } = tensorsOf(checkpoint);
  const hash = createHash('sha256');
  let dataBytes = 0;
  for (const values of arrays) {
    hash.update(bytesOf(values));
    dataBytes += values.byteLength;
  }
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    runId: checkpoint.runId,
    step: checkpoint.step,
    phase: checkpoint.phase,
    createdAt: checkpoint.createdAt,
    shape: checkpoint.shape,
    seed: checkpoint.seed,
    training: checkpoint.training,
    tokenizer: checkpoint.tokenizer,
    dataState: checkpoint.dataState,
    trainer: checkpoint.trainer,
    optimizer: { name: checkpoint.optimizer.name, step: checkpoint.optimizer.step },
    hasBase: checkpoint.baseWeights !== null,
    tensors: entries,
    dataBytes,
    dataSha256: hash.digest('hex'),
  };
  // Validate on the way out too: a checkpoint we could not read back is worse than an error now.
  const checked = CheckpointHeaderSchema.safeParse(header);
  if (!checked.success) {
    throw new ShapesweepError('CHECKPOINT_INVALID', 'Refusing to write a checkpoint with an invalid header', {
      details: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(json.length, MAGIC.length);
  const padding = Buffer.alloc((4 - ((PREFIX_BYTES + json.length) % 4)) % 4);
  const chunks = [prefix, json, padding, ...arrays.map(bytesOf)];
  return { chunks, bytes: PREFIX_BYTES + json.length + padding.length + dataBytes };
}

function invalid(source: string, detail: string): ShapesweepError {
  return new ShapesweepError('CHECKPOINT_INVALID', `The checkpoint ${source} cannot be read: ${detail}`, { details: [detail] });
}

/** Parses and validates the header; returns it with the offset where tensor data starts. */
export function decodeHeader(bytes: Uint8Array, source: string): { header: CheckpointHeader; dataOffset: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < PREFIX_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid(source, 'not a shapesweep checkpoint (bad magic)');
  const headerBytes = buf.readUInt32LE(MAGIC.length);
  if (headerBytes > MAX_HEADER_BYTES || PREFIX_BYTES + headerBytes > buf.length) throw invalid(source, `header of ${headerBytes} bytes does not fit in ${buf.length} bytes (truncated?)`);
  let json: unknown;
  try {
    json = JSON.parse(buf.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes).toString('utf8'));
  } catch {
    throw invalid(source, 'header is not valid JSON');
  }
  const parsed = CheckpointHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `header.${i.path.join('.')}: ${i.message}`);
    throw new ShapesweepError('CHECKPOINT_INVALID', `The checkpoint ${source} has an invalid header`, { details });
  }
  const dataOffset = PREFIX_BYTES + headerBytes + ((4 - ((PREFIX_BYTES + headerBytes) % 4)) % 4);
  return { header: parsed.data, dataOffset };
}

/** Decodes a whole checkpoint file, checking its length, tensor table and checksum. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const { header, dataOffset } = decodeHeader(bytes, source);
  const expected = header.tensors.reduce((sum, t) => sum + 4 * t.length, 0);
  if (expected !== header.dataBytes) throw invalid(source, `tensor table sums to ${expected} bytes, header says ${header.dataBytes}`);
  if (bytes.byteLength !== dataOffset + header.dataBytes) {
    throw invalid(source, `file is ${bytes.byteLength} bytes, expected ${dataOffset + header.dataBytes} (truncated or padded)`);
  }
  const data = bytes.subarray(dataOffset);
  const digest = createHash('sha256').update(data).digest('hex');
  if (digest !== header.dataSha256) throw invalid(source, 'tensor data does not match its SHA-256 (corrupt)');

  const groups = { weights: new Map<string, Float32Array>(), optimizer: new Map<string, Float32Array>(), base: new Map<string, Float32Array>() };
  let offset = 0;
  for (const entry of header.tensors) {
    const group = groups[entry.group];
    if (group.has(entry.name)) throw invalid(source, `tensor ${entry.group}/${entry.name} appears twice`);
    // Copy into a fresh, aligned buffer: the file buffer may sit at any byte offset, and callers may keep the arrays.
    const values = new Float32Array(entry.length);
    new Uint8Array(values.buffer).set(data.subarray(offset, offset + 4 * entry.length));
    group.set(entry.name, values);
    offset += 4 * entry.length;
  }
  if (!header.hasBase && groups.base.size > 0) throw invalid(source, 'base weights present but hasBase is false');
  return {
    runId: header.runId,
    step: header.step,
    phase: header.phase,
    createdAt: header.createdAt,
    shape: header.shape,
    seed: header.seed,
    training: header.training,
    tokenizer: header.tokenizer,
    dataState: header.dataState,
    trainer: header.trainer,
    weights: groups.weights,
    optimizer: { name: header.optimizer.name, step: header.optimizer.step, slots: groups.optimizer },
    baseWeights: header.hasBase ? groups.base : null,
  };
}
