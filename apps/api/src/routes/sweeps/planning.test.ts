import { describe, expect, it } from 'vitest';
import { DEFAULT_BULLMQ_PRIORITY, bullmqPriority } from './enqueue.js';
import { planSubmission } from './planning.js';

const spec = { name: 's', cells: { names: ['tiny', 'mini'] }, widthScales: ['1/8'], vocab: 512, seeds: [0, 1] };

describe('planSubmission', () => {
  it('names the same sweep for the same spec however it is written', () => {
    const a = planSubmission(spec, 100);
    const b = planSubmission({ seeds: [0, 1], vocab: 512, widthScales: [0.125], cells: { names: ['tiny', 'mini'] }, name: 's' }, 100);
    expect(a.rows.sweepId).toBe(b.rows.sweepId);
    expect(a.rows.runs.map((r) => r.id)).toEqual(b.rows.runs.map((r) => r.id));
    expect(planSubmission({ ...spec, seeds: [2] }, 100).rows.sweepId).not.toBe(a.rows.sweepId);
  });

  it('gives every run a distinct id free of ":" and the resolved training config', () => {
    const { rows } = planSubmission(spec, 100);
    expect(rows.runs).toHaveLength(4);
    expect(new Set(rows.runs.map((r) => r.id)).size).toBe(4);
    expect(rows.runs.every((r) => !r.id.includes(':')) && rows.training.pretrain.steps > 0 && rows.totalSteps > 0).toBe(true);
  });

  it('refuses a plan over the cell limit', () => {
    expect(() => planSubmission(spec, 3)).toThrow(expect.objectContaining({ code: 'SWEEP_TOO_LARGE' }));
  });
});

describe('bullmqPriority', () => {
  it('puts spec priority 0 in the middle so explicit priorities can run before or after it', () => {
    expect(bullmqPriority(0)).toBe(DEFAULT_BULLMQ_PRIORITY);
    expect(bullmqPriority(1)).toBeLessThan(bullmqPriority(0));
    expect(bullmqPriority(2_000_000)).toBeGreaterThan(bullmqPriority(0));
  });
});
