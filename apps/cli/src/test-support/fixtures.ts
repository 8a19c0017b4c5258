// API response objects for unit tests of the rendering and watch state.
import type { RunSummary, StatusCounts, SweepStatus } from '../api-types.js';

export function sweepStatus(counts: Partial<StatusCounts>, progress: Partial<SweepStatus['progress']> = {}): SweepStatus {
  const all: StatusCounts = { PENDING: 0, QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0, ...counts };
  const cells = Object.values(all).reduce((a, b) => a + b, 0);
  return {
    sweep: { id: 'sw_1', name: 'demo', status: 'ACTIVE', priority: 0, cellCount: cells, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', counts: all, spec: null },
    progress: { stepsDone: 155, stepsTotal: 620, fraction: 0.25, tokensPerSecond: 1234, stepsPerSecond: 1.2, etaSeconds: 250, ...progress },
  };
}

export function sweepRun(id: string, name: string, family: string, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    sweepId: 'sw_1',
    cellKey: id,
    name,
    family,
    referenceName: null,
    widthScale: 1 / 16,
    shape: { el: 12, dl: 12, dm: 48, ff: 192, nh: 12, kv: 4, vocab: 2048 },
    cost: { params: 876_000, embeddingParams: 98_000, nonEmbeddingParams: 778_000, flopsPerExample: 3.4e7, plannedTrainFlops: 3e10, trainFlopsSpent: null, wallSeconds: null },
    seed: 0,
    status: 'QUEUED',
    attempts: 0,
    workerId: null,
    backend: null,
    device: null,
    progress: { phase: null, step: 0, totalSteps: 310, tokensSeen: 0, tokensPerSecond: null },
    quality: { evalLoss: null, negLogPerplexity: null, downstreamMean: null },
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    enqueuedAt: null,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}
