// Checkpoints as files under one directory (a local disk or a shared volume): <dir>/<runId>/step-<step>.ckpt.
// Writes go to a temp file that is fsynced, renamed over the final name and followed by an fsync of the directory,
// so a crash leaves either the old set of checkpoints or the new one, never a torn file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ShapesweepError } from '@shapesweep/contract';
import type { Checkpoint } from './checkpoint.js';
import { decodeCheckpoint, decodeHeader, encodeCheckpoint } from './codec.js';
import type { CheckpointInfo, CheckpointStorage, SavedCheckpoint } from './storage.js';

export interface LocalDirectoryStorageOptions {
  /**
   * Checkpoints kept per run; older ones are deleted after each save (resuming only needs the latest, and the
   * previous ones guard against a bad disk). @defaultValue 3
   */
  readonly keepLast?: number;
}

const FILE_PATTERN = /^step-(\d{10})\.ckpt$/;
// Header bytes read by list(): enough for the header of any checkpoint whose tokenizer is below ~64k merges. When a
// header is longer, list() falls back to reading the whole file.
const HEADER_PROBE_BYTES = 1 << 20;

export class LocalDirectoryStorage implements CheckpointStorage {
  readonly dir: string;
  readonly #keepLast: number;

  constructor(dir: string, options: LocalDirectoryStorageOptions = {}) {
    if (!path.isAbsolute(dir)) throw new RangeError(`checkpoint dir: ${dir} must be an absolute path`);
    const keepLast = options.keepLast ?? 3;
    if (!Number.isInteger(keepLast) || keepLast < 1) throw new RangeError(`keepLast: ${keepLast} must be an integer >= 1`);
    this.dir = dir;
    this.#keepLast = keepLast;
  }

  #runDir(runId: string): string {
    // encodeURIComponent keeps ids like "sweep/cell" or ".." from escaping the directory.
    if (runId.length === 0) throw new RangeError('runId must not be empty');
    return path.join(this.dir, encodeURIComponent(runId).replaceAll('.', '%2E'));
  }

  async save(runId: string, checkpoint: Checkpoint): Promise<SavedCheckpoint> {
    if (checkpoint.runId !== runId) throw new RangeError(`checkpoint.runId ${checkpoint.runId} does not match runId ${runId}`);
    const runDir = this.#runDir(runId);
    await mkdir(runDir, { recursive: true });
    const file = path.join(runDir, `step-${String(checkpoint.step).padStart(10, '0')}.ckpt`);
    const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const { chunks, bytes } = encodeCheckpoint(checkpoint);
    const handle = await open(temp, 'w');
    try {
      const { bytesWritten } = await handle.writev(chunks);
      if (bytesWritten !== bytes) throw new Error(`short write to ${temp}: ${bytesWritten} of ${bytes} bytes`);
      await handle.sync();
    } catch (err) {
      await handle.close();
      await rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    await rename(temp, file);
    await syncDirectory(runDir);
    const removed = await this.#prune(runDir);
    return { uri: pathToFileURL(file).href, bytes, removed };
  }

  async list(runId: string): Promise<CheckpointInfo[]> {
    const runDir = this.#runDir(runId);
    const files = await checkpointFiles(runDir);
    const infos: CheckpointInfo[] = [];
    for (const name of files) {
      const file = path.join(runDir, name);
      const { size } = await stat(file);
      const header = await readHeader(file, size);
      infos.push({ uri: pathToFileURL(file).href, step: header.step, phase: header.phase, bytes: size, createdAt: header.createdAt });
    }
    return infos;
  }

  async latest(runId: string): Promise<Checkpoint | null> {
    const files = await checkpointFiles(this.#runDir(runId));
    const last = files.at(-1);
    return last === undefined ? null : this.load(pathToFileURL(path.join(this.#runDir(runId), last)).href);
  }

  async load(uri: string): Promise<Checkpoint> {
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      throw new ShapesweepError('CHECKPOINT_INVALID', `Not a file:// checkpoint uri: ${uri}`, { details: [`uri: ${uri}`] });
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new ShapesweepError('CHECKPOINT_INVALID', `The checkpoint ${uri} cannot be read: ${(err as Error).message}`, { details: [`uri: ${uri}`], cause: err });
    }
    return decodeCheckpoint(bytes, uri);
  }

  /** Deletes all but the newest keepLast checkpoints of the run; returns the URIs it deleted. */
  async #prune(runDir: string): Promise<string[]> {
    const entries = await readdir(runDir);
    const files = entries.filter((n) => FILE_PATTERN.test(n)).sort();
    const removed: string[] = [];
    for (const name of files.slice(0, Math.max(0, files.length - this.#keepLast))) {
      const file = path.join(runDir, name);
      await rm(file, { force: true });
      removed.push(pathToFileURL(file).href);
    }
    // Temp files of writers that died mid-save (this process's own save has already renamed its file).
    for (const name of entries.filter((n) => n.includes('.ckpt.tmp-'))) await rm(path.join(runDir, name), { force: true });
    return removed;
  }
}

/** Checkpoint file names of a run directory, oldest step first (names are zero-padded, so they sort by step). */
async function checkpointFiles(runDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(runDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((n) => FILE_PATTERN.test(n)).sort();
}

async function readHeader(file: string, size: number): Promise<{ step: number; phase: string; createdAt: string }> {
  const handle = await open(file, 'r');
  try {
    const probe = Buffer.alloc(Math.min(size, HEADER_PROBE_BYTES));
    await handle.read(probe, 0, probe.length, 0);
    try {
      return decodeHeader(probe, pathToFileURL(file).href).header;
    } catch (err) {
      if (size <= HEADER_PROBE_BYTES) throw err;
      return decodeHeader(await readFile(file), pathToFileURL(file).href).header;
    }
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable. Some filesystems refuse fsync on a directory (EISDIR/EINVAL); the rename is
  // still atomic there, only its durability across power loss is up to the filesystem.
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await handle.close();
  }
}
