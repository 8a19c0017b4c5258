import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TrainingConfigSchema } from '@shapesweep/contract';
import { TrainerProcess, type TrainerHandlers } from './supervisor.js';
import type { StartMessage } from './ipc.js';

const support = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-support');

const start: StartMessage = {
  type: 'start', runId: 'r', shape: { el: 1, dl: 1, dm: 8, ff: 8, nh: 1, kv: 8, vocab: 64 }, training: TrainingConfigSchema.parse({}),
  seed: 0, checkpointDir: '/tmp/unused', cacheDir: '/tmp/unused', heartbeatIntervalMs: 50,
};

const handlers: TrainerHandlers = {
  onReady: () => {}, onMetrics: async () => {}, onFlush: async () => {}, onProgress: () => {}, onCheckpoint: () => {}, onLog: () => {},
};

describe('TrainerProcess', () => {
  it('kills a trainer that stops sending heartbeats and reports it as hung', async () => {
    const trainer = new TrainerProcess({ script: path.join(support, 'silent-trainer.mjs'), env: process.env, heartbeatTimeoutMs: 300 });
    const exit = await trainer.run(start, handlers);
    expect(exit.kind).toBe('hung');
    if (exit.kind === 'hung') expect(exit.message).toMatch(/no heartbeat for 300 ms/);
  });

  it('reports a trainer that exits without a result as crashed, with its exit code', async () => {
    const trainer = new TrainerProcess({ script: path.join(support, 'crashing-trainer.mjs'), env: process.env, heartbeatTimeoutMs: 10_000 });
    const exit = await trainer.run(start, handlers);
    expect(exit.kind).toBe('crashed');
    if (exit.kind === 'crashed') expect(exit.message).toMatch(/code 3/);
  });
});
