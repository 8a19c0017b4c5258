// A plausible small DeepNarrow-vs-base sweep for tests and for eyeballing the rendered report.
import type { ReportCurve, ReportInput, ReportRun } from '../report.js';

const TASKS = ['genre', 'sentiment', 'spam', 'wic'];

function run(id: string, name: string, family: string, referenceName: string | null, shape: ReportRun['shape'] & object, params: number, quality: { nlp: number; scores: number[]; tps: number }): ReportRun {
  const scores = Object.fromEntries(TASKS.map((t, i) => [t, quality.scores[i]!]));
  const mean = quality.scores.reduce((s, v) => s + v, 0) / quality.scores.length;
  return {
    id,
    name,
    family,
    referenceName,
    shape,
    params,
    flops: params * 6 * 2.1e6,
    wallSeconds: (params * 6 * 2.1e6) / (quality.tps * 1e5),
    negLogPerplexity: quality.nlp,
    downstreamMean: mean,
    scores,
    tokensPerSecond: quality.tps,
    status: 'SUCCEEDED',
  };
}

export function sampleRuns(): ReportRun[] {
  return [
    run('r01', 'tiny', 'reference', null, { el: 4, dl: 4, dm: 256, ff: 1024, nh: 4, kv: 64 }, 1.57e6, { nlp: -4.21, scores: [0.31, 0.81, 0.95, 0.58], tps: 5200 }),
    run('r02', 'mini', 'reference', null, { el: 4, dl: 4, dm: 384, ff: 1536, nh: 8, kv: 64 }, 3.1e6, { nlp: -3.98, scores: [0.34, 0.83, 0.96, 0.6], tps: 3900 }),
    run('r03', 'small', 'reference', null, { el: 6, dl: 6, dm: 512, ff: 2048, nh: 8, kv: 64 }, 6.9e6, { nlp: -3.71, scores: [0.36, 0.85, 0.97, 0.61], tps: 2300 }),
    run('r04', 'tiny-nl8', 'deepnarrow', 'mini', { el: 8, dl: 8, dm: 256, ff: 1024, nh: 4, kv: 64 }, 2.9e6, { nlp: -4.02, scores: [0.36, 0.84, 0.96, 0.62], tps: 4100 }),
    run('r05', 'tiny-nl12', 'deepnarrow', 'small', { el: 12, dl: 12, dm: 256, ff: 1024, nh: 4, kv: 64 }, 4.2e6, { nlp: -3.88, scores: [0.38, 0.86, 0.97, 0.63], tps: 3300 }),
    run('r06', 'mini-nl12', 'deepnarrow', 'small', { el: 12, dl: 12, dm: 384, ff: 1536, nh: 8, kv: 64 }, 7.2e6, { nlp: -3.74, scores: [0.39, 0.87, 0.975, 0.64], tps: 2000 }),
    run('r07', 'small-dm256', 'oneknob', 'small', { el: 6, dl: 6, dm: 256, ff: 2048, nh: 8, kv: 64 }, 4.4e6, { nlp: -3.95, scores: [0.33, 0.82, 0.96, 0.57], tps: 3000 }),
    run('r08', 'small-ff1000', 'oneknob', 'small', { el: 6, dl: 6, dm: 512, ff: 1000, nh: 8, kv: 64 }, 5.3e6, { nlp: -3.82, scores: [0.35, 0.84, 0.965, 0.59], tps: 2700 }),
  ];
}

export function sampleCurves(runs: readonly ReportRun[]): ReportCurve[] {
  return runs.flatMap((r, k) => {
    const floor = -r.negLogPerplexity!;
    const make = (name: string, every: number, noise: number): ReportCurve => ({
      runId: r.id,
      phase: 'pretrain',
      name,
      points: Array.from({ length: Math.floor(2000 / every) + 1 }, (_, i) => {
        const step = i * every;
        // Deterministic wiggle instead of random noise, so the sample is the same on every render.
        const wiggle = 1 + noise * Math.sin(step * 0.37 + k);
        return { step, value: (floor + 6.5 * Math.pow(1 + step / 40, -0.6)) * wiggle };
      }),
    });
    return [make('train_loss', 5, 0.012), make('eval_loss', 100, 0)];
  });
}

export function sampleInput(): ReportInput {
  const runs = sampleRuns();
  return {
    sweep: { id: 'sw_demo01', name: 'DeepNarrow vs base (CPU scale)', status: 'SUCCEEDED', createdAt: '2025-11-26 21:40 UTC' },
    runs,
    curves: sampleCurves(runs),
    generatedAt: '2025-11-26 22:15 UTC',
  };
}
