import { describe, expect, it } from 'vitest';
import { TrainingConfigSchema } from '@shapesweep/contract';
import { ChildMessageSchema, ParentMessageSchema, parseMessage } from './ipc.js';

describe('IPC message schemas', () => {
  it('carries a NaN loss in a metric batch (a diverged run is worth recording)', () => {
    const parsed = parseMessage(ChildMessageSchema, {
      type: 'metrics', id: 3, points: [{ phase: 'pretrain', name: 'train_loss', step: 7, value: Number.NaN, wallTime: new Date() }],
    });
    expect(parsed.ok).toBe(true);
  });

  it('names the field of a malformed child message', () => {
    const parsed = parseMessage(ChildMessageSchema, { type: 'metrics', id: 1, points: [{ phase: 'pretrain', name: 'x', step: -1, value: 1, wallTime: new Date() }] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/points\.0\.step/);
  });

  it('rejects an unknown message type', () => {
    expect(parseMessage(ChildMessageSchema, { type: 'teleport' }).ok).toBe(false);
    expect(parseMessage(ParentMessageSchema, { type: 'teleport' }).ok).toBe(false);
  });

  it('accepts a completed outcome with downstream scores', () => {
    const parsed = parseMessage(ChildMessageSchema, {
      type: 'done',
      outcome: {
        status: 'completed',
        result: {
          evalLoss: 5.1, negLogPerplexity: -5.1, downstreamMean: 0.6, scores: [{ task: 'sentiment', metric: 'accuracy', value: 0.6, step: 12 }],
          tokensSeen: 1000, wallSeconds: 3, tokensPerSecond: 333, trainFlopsSpent: 1e9, backend: 'node',
        },
      },
    });
    expect(parsed.ok).toBe(true);
  });

  it('accepts a start message with a fully resolved training config', () => {
    const parsed = parseMessage(ParentMessageSchema, {
      type: 'start', runId: 'r', shape: { el: 2, dl: 2, dm: 32, ff: 64, nh: 2, kv: 16, vocab: 512 }, training: TrainingConfigSchema.parse({}),
      seed: 0, checkpointDir: '/tmp/c', cacheDir: '/tmp/d', heartbeatIntervalMs: 1000,
    });
    expect(parsed.ok).toBe(true);
  });

  it('rejects a stop message with an unknown reason', () => {
    expect(parseMessage(ParentMessageSchema, { type: 'stop', reason: 'because' }).ok).toBe(false);
  });
});
