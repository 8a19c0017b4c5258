// The shapes of the API responses the CLI reads (apps/api route schemas; OpenAPI at /docs). Types only: the CLI
// trusts its own API's responses and prints what it got with --json.
import type {
  FrontierResponse, ResultItem, RunSummary, StatusCounts, SweepProgress, SweepStatus, SweepView, TokenView, WorkerView,
} from '@shapesweep/contract';

export type { StatusCounts, SweepProgress, SweepStatus, ResultItem, FrontierResponse };

/** A sweep as listed and submitted (contract SweepView). */
export type Sweep = SweepView;

/** POST /v1/sweeps */
export interface SubmitResponse {
  sweep: Sweep;
  created: boolean;
  enqueued: number;
  pending: number;
  warnings: string[];
}

export type { RunSummary };

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

/** GET /v1/tokens items (contract TokenView). */
export type ApiToken = TokenView;

/** GET /v1/workers items. */
export type WorkerInfo = WorkerView;
