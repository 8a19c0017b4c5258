// Where checkpoints live. Deliberately narrow (four calls on whole checkpoints) so an S3-compatible store can
// implement it later with PUT (atomic per object), LIST by prefix and GET.
import type { Checkpoint, Phase } from './checkpoint.js';

export interface CheckpointInfo {
  /** Where the checkpoint is: `file://…` for local storage. */
  readonly uri: string;
  readonly step: number;
  readonly phase: Phase;
  readonly bytes: number;
  readonly createdAt: string;
}

/** What a save wrote, and what it deleted to keep the storage's retention. */
export interface SavedCheckpoint {
  readonly uri: string;
  readonly bytes: number;
  /** URIs of older checkpoints of the run that this save pruned; whoever lists checkpoints elsewhere drops them. */
  readonly removed: readonly string[];
}

export interface CheckpointStorage {
  /** Stores the checkpoint atomically: a reader sees either the whole file or none. Same run + step replaces. */
  save(runId: string, checkpoint: Checkpoint): Promise<SavedCheckpoint>;
  /** The checkpoint with the highest step of the run, or null when it has none. Throws CHECKPOINT_INVALID if it is corrupt. */
  latest(runId: string): Promise<Checkpoint | null>;
  /** The run's checkpoints, oldest first. */
  list(runId: string): Promise<CheckpointInfo[]>;
  /** Loads and validates one checkpoint; CHECKPOINT_INVALID when missing, truncated or corrupt. */
  load(uri: string): Promise<Checkpoint>;
}
