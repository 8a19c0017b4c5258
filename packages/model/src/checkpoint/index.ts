export * from './checkpoint.js';
export { encodeCheckpoint, decodeCheckpoint, decodeHeader } from './codec.js';
export type { CheckpointStorage, CheckpointInfo, SavedCheckpoint } from './storage.js';
export { LocalDirectoryStorage, type LocalDirectoryStorageOptions } from './local-directory.js';
