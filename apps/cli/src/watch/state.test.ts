import { describe, expect, it } from 'vitest';
import { renderFrame, renderSummary, renderTransition, rewind } from '../render/watch-frame.js';
import { sweepRun, sweepStatus } from '../test-support/fixtures.js';
import { WatchState, runEtaSeconds } from './state.js';

const event = (id: number, type: string, runId: string | null, data: Record<string, unknown> = {}) => ({ id: String(id), type, runId, data });

function twoRuns(): WatchState {
  return new WatchState(sweepStatus({ QUEUED: 2 }), [sweepRun('r1', 'base@w1/16', 'reference'), sweepRun('r2', 'small-nl28@w1/16', 'deepnarrow')]);
}

describe('WatchState', () => {
  it('moves a run through started, progress and completed, and reports each status change once', () => {
    const state = twoRuns();
    expect(state.apply(event(1, 'run.started', 'r1', { resumeFromStep: 0 }), 0)).toMatchObject({ from: 'QUEUED', to: 'RUNNING' });
    expect(state.apply(event(2, 'run.progress', 'r1', { phase: 'pretrain', step: 40, totalSteps: 310, tokensPerSecond: 1200, etaSeconds: 100 }), 1_000)).toBeNull();
    expect(state.runs.get('r1')).toMatchObject({ status: 'RUNNING', step: 40, totalSteps: 310, phase: 'pretrain', tokensPerSecond: 1200 });
    expect(runEtaSeconds(state.runs.get('r1')!, 11_000)).toBe(90);
    expect(state.apply(event(3, 'run.completed', 'r1', { negLogPerplexity: -3.2, downstreamMean: 0.61 }), 2_000)).toMatchObject({ to: 'SUCCEEDED' });
    expect(state.runs.get('r1')).toMatchObject({ step: 310, negLogPerplexity: -3.2, downstreamMean: 0.61 });
    expect(state.lastEventId).toBe('3');
    expect(state.counts()).toMatchObject({ SUCCEEDED: 1, QUEUED: 1 });
  });

  it('never moves a bar backwards on an older progress event, and keeps the resume step of a restarted run', () => {
    const state = twoRuns();
    state.apply(event(1, 'run.progress', 'r2', { step: 100, totalSteps: 300 }), 0);
    state.apply(event(2, 'run.progress', 'r2', { step: 60, totalSteps: 300 }), 0);
    expect(state.runs.get('r2')!.step).toBe(100);
    state.apply(event(3, 'run.requeued', 'r2'), 0);
    state.apply(event(4, 'run.started', 'r2', { resumeFromStep: 100 }), 0);
    expect(state.runs.get('r2')).toMatchObject({ status: 'RUNNING', step: 100 });
  });

  it('records failures with their code and message, and ignores events of other runs or unknown types', () => {
    const state = twoRuns();
    expect(state.apply(event(1, 'run.failed', 'r2', { code: 'TRAINING_DIVERGED', message: 'loss is NaN' }), 0)).toMatchObject({ to: 'FAILED' });
    expect(state.runs.get('r2')!.error).toBe('TRAINING_DIVERGED: loss is NaN');
    expect(state.apply(event(2, 'run.started', 'other', {}), 0)).toBeNull();
    expect(state.apply(event(3, 'run.checkpointed', 'r1', {}), 0)).toBeNull();
    expect(state.lastEventId).toBe('3');
  });
});

describe('watch rendering', () => {
  it('draws a frame: the sweep line, then running runs first with bar, steps, speed and ETA', () => {
    const state = twoRuns();
    state.apply(event(1, 'run.started', 'r2', {}), 0);
    state.apply(event(2, 'run.progress', 'r2', { phase: 'pretrain', step: 155, totalSteps: 310, tokensPerSecond: 1234, etaSeconds: 125 }), 0);
    const frame = renderFrame(state, { nowMs: 5_000, columns: 120 });
    expect(frame).toBe(
      [
        'demo (sw_1)  0/2 done  1 running  1 waiting  25%  ETA 4m10s',
        '  small-nl28@w1/16  deepnarrow  running   [############............]  50%  pretrain  155/310  1.2k tok/s  ETA 2m00s',
        '  base@w1/16        reference   queued    [........................]   0%',
        '',
      ].join('\n'),
    );
    // Cut to the terminal width so a redraw never wraps.
    for (const line of renderFrame(state, { nowMs: 0, columns: 40, unicode: true }).split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(rewind(3)).toBe('\x1b[3F\x1b[J');
    expect(rewind(0)).toBe('');
  });

  it('prints plain lines for logs: one per status change and a summary with running runs', () => {
    const state = twoRuns();
    const t = state.apply(event(1, 'run.completed', 'r1', { negLogPerplexity: -3.1, downstreamMean: 0.6 }), 0)!;
    expect(renderTransition(t, Date.UTC(2026, 0, 1, 12, 3, 4))).toBe('12:03:04 base@w1/16 queued -> done  upstream -3.100  downstream 0.600\n');
    state.apply(event(2, 'run.progress', 'r2', { phase: 'finetune:spam', step: 30, totalSteps: 120 }), 0);
    expect(renderSummary(state, Date.UTC(2026, 0, 1, 12, 3, 4)).split('\n')[1]).toBe('12:03:04   small-nl28@w1/16 [#####...............] 25%  finetune:spam  30/120  ETA -');
  });
});
