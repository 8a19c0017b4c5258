// The shapes of the API responses the CLI reads (apps/api route schemas; OpenAPI at /docs). Types only: the CLI
// trusts its own API's responses and prints what it got with --json.
import type { RunShapeView, RunSummary, WorkerView } from '@shapesweep/contract';

export type StatusCounts = Record<'PENDING' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED', number>;

export interface Sweep {
  id: string;
  name: string;
  status: string;
  priority: number;
  cellCount: number;
  createdAt: string;
  updatedAt: string;
  counts: StatusCounts;
}

export interface SweepProgress {
  stepsDone: number;
  stepsTotal: number;
  fraction: number;
  tokensPerSecond: number;
  stepsPerSecond: number;
  etaSeconds: number | null;
}

/** GET /v1/sweeps/:id */
export interface SweepStatus {
  sweep: Sweep & { spec: unknown };
  progress: SweepProgress;
}

/** POST /v1/sweeps */
export interface SubmitResponse {
  sweep: Sweep;
  created: boolean;
  enqueued: number;
  pending: number;
  warnings: string[];
}

export type RunShape = RunShapeView;

export type { RunSummary };

/** GET /v1/results items: a finished run, the value it was ranked by, its budget FLOPs and scores[task][metric]. */
export interface ResultItem extends RunSummary {
  value: number;
  flops: number;
  scores: Record<string, Record<string, number>>;
}

/** GET /v1/frontier */
export interface FrontierResponse {
  x: string;
  y: string;
  candidates: number;
  frontier: Array<{ x: number; y: number; run: RunSummary }>;
}

/** GET /v1/fits */
export interface FitResponse {
  x: string;
  y: string;
  n: number;
  excluded: number;
  fit: {
    E: number;
    A: number;
    alpha: number;
    loss: number;
    converged: boolean;
    ci95: { E: [number, number]; A: [number, number]; alpha: [number, number] } | null;
  };
  prediction: { at: number; fitted: number; quality: number; interval: [number, number] | null; qualityInterval: [number, number] | null } | null;
}

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** GET /v1/workers items. */
export type WorkerInfo = WorkerView;
