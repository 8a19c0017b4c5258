import { describe, expect, it } from 'vitest';
import type { SweepEvent } from '../lib/sse.js';
import { runSummary } from '../test-support/runs.js';
import { applyEvent, curveOrder, headlineScore, plotPoints, runFraction, scoreTable, upstreamDownstreamSpearman } from './sweep-model.js';

function event(type: string, runId: string, data: Record<string, unknown> = {}): SweepEvent {
  return { id: '1', type, sweepId: 'sw-1', runId, createdAt: '2025-01-01T00:00:00.000Z', data };
}

describe('applyEvent', () => {
  const queued = runSummary({ id: 'r1', status: 'QUEUED', workerId: null, backend: null, attempts: 0, progress: { phase: null, step: 0, totalSteps: 310, tokensSeen: 0, tokensPerSecond: null } });

  it('moves a queued run to RUNNING on run.started with its worker and backend', () => {
    const next = applyEvent(queued, event('run.started', 'r1', { attempt: 1, workerId: 'w9', backend: 'node', device: 'gpu:0' }));
    expect(next).toMatchObject({ status: 'RUNNING', attempts: 1, workerId: 'w9', backend: 'node', device: 'gpu:0' });
    expect(queued.status).toBe('QUEUED');
  });

  it('updates progress on run.progress and its bar follows', () => {
    const next = applyEvent(queued, event('run.progress', 'r1', { phase: 'pretrain', step: 124, totalSteps: 310, tokensSeen: 5, tokensPerSecond: 8200, etaSeconds: 30 }));
    expect(next.progress).toEqual({ phase: 'pretrain', step: 124, totalSteps: 310, tokensSeen: 5, tokensPerSecond: 8200 });
    expect(runFraction(next)).toBeCloseTo(0.4, 5);
  });

  it('finishes a run with its quality on run.completed, and ignores a late progress event afterwards', () => {
    const done = applyEvent(queued, event('run.completed', 'r1', { downstreamMean: 0.7, negLogPerplexity: -3.2, evalLoss: 3.2, wallSeconds: 60 }));
    expect(done).toMatchObject({ status: 'SUCCEEDED', quality: { downstreamMean: 0.7, negLogPerplexity: -3.2, evalLoss: 3.2 } });
    expect(runFraction(done)).toBe(1);
    expect(applyEvent(done, event('run.progress', 'r1', { step: 5 }))).toBe(done);
  });

  it('records failures with their code and leaves other runs alone', () => {
    expect(applyEvent(queued, event('run.failed', 'r1', { code: 'TRAINING_DIVERGED', message: 'loss is NaN', details: [] }))).toMatchObject({
      status: 'FAILED',
      error: { code: 'TRAINING_DIVERGED', message: 'loss is NaN' },
    });
    expect(applyEvent(queued, event('run.failed', 'other'))).toBe(queued);
  });
});

describe('plot data', () => {
  const runs = [
    runSummary({ id: 'a', family: 'reference', cost: { ...runSummary({ id: 'x' }).cost, params: 100, trainFlopsSpent: 5e12 }, quality: { evalLoss: 3, negLogPerplexity: -3, downstreamMean: 0.6 } }),
    runSummary({ id: 'b', family: 'deepnarrow', cost: { ...runSummary({ id: 'x' }).cost, params: 90 }, quality: { evalLoss: 3.1, negLogPerplexity: -3.1, downstreamMean: 0.7 } }),
    runSummary({ id: 'c', quality: { evalLoss: 3.5, negLogPerplexity: -3.5, downstreamMean: 0.5 } }),
    runSummary({ id: 'd', status: 'RUNNING', quality: { evalLoss: null, negLogPerplexity: null, downstreamMean: null } }),
    runSummary({ id: 'e', quality: { evalLoss: 2, negLogPerplexity: -2, downstreamMean: null } }),
  ];

  it('plots finished runs that have a downstream score, one point each', () => {
    expect(plotPoints(runs, 'params').map((p) => [p.runId, p.x, p.y])).toEqual([['a', 100, 0.6], ['b', 90, 0.7], ['c', 60e6, 0.5]]);
    // FLOPs: spent when recorded, else planned.
    expect(plotPoints(runs, 'flops').map((p) => p.x)).toEqual([5e12, 1e15, 1e15]);
    expect(plotPoints(runs, 'upstream').map((p) => p.x)).toEqual([-3, -3.1, -3.5]);
  });

  it('computes Spearman over the plotted points and needs three of them', () => {
    expect(upstreamDownstreamSpearman(plotPoints(runs, 'upstream'))).toBeCloseTo(0.5, 10);
    expect(upstreamDownstreamSpearman(plotPoints(runs.slice(0, 2), 'upstream'))).toBeNull();
  });

  it('builds the score table best mean first with the task headline metric', () => {
    const scores = new Map([
      ['a', { spam: { accuracy: 0.9, macro_f1: 0.8 }, wic: { macro_f1: 0.5 } }],
      ['b', { spam: { accuracy: 0.95 } }],
    ]);
    const table = scoreTable(runs, scores);
    expect(table.tasks).toEqual(['spam', 'wic']);
    expect(table.rows.map((r) => r.run.id)).toEqual(['b', 'a', 'c', 'e']);
    expect(table.rows[1]!.tasks).toEqual({ spam: 0.9, wic: 0.5 });
    expect(headlineScore({ macro_f1: 0.4, f1: 0.3 })).toBe(0.3);
  });

  it('loads curves of finished runs first, best first, and skips runs that never started', () => {
    const order = curveOrder([...runs, runSummary({ id: 'q', status: 'QUEUED' })]).map((r) => r.id);
    expect(order).toEqual(['b', 'a', 'c', 'e', 'd']);
  });
});
