// RunSummary values for unit tests, shaped like GET /v1/sweeps/:id/runs answers.
import type { RunSummary } from '../lib/api.js';

export function runSummary(overrides: Partial<RunSummary> & { id: string }): RunSummary {
  return {
    sweepId: 'sw-1',
    cellKey: `cell-${overrides.id}`,
    name: overrides.id,
    family: 'list',
    referenceName: null,
    widthScale: 1,
    shape: { el: 6, dl: 6, dm: 512, ff: 2048, nh: 8, kv: 64, vocab: 32128 },
    cost: { params: 60e6, embeddingParams: 16e6, nonEmbeddingParams: 44e6, flopsPerExample: 1e10, plannedTrainFlops: 1e15, trainFlopsSpent: null, wallSeconds: null },
    seed: 0,
    status: 'SUCCEEDED',
    attempts: 1,
    workerId: 'w1',
    backend: 'wasm',
    device: 'cpu',
    progress: { phase: null, step: 100, totalSteps: 100, tokensSeen: 0, tokensPerSecond: 1000 },
    quality: { evalLoss: 3, negLogPerplexity: -3, downstreamMean: 0.6 },
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    enqueuedAt: null,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}
