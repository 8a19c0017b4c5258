// JSON shapes of the HTTP API's answers that more than one client reads (the api writes them; the CLI and the
// dashboard read them). One definition here keeps the three from drifting apart. Type-only: nothing here runs.
import type { Shape } from '@shapesweep/shapes';
import type { RunStatusName } from './jobs.js';

/** A model shape as the API reports it: the shapes package's Shape. */
export type RunShapeView = Shape;

/** One run (cell) of a sweep: GET /v1/sweeps/:id/runs items, GET /v1/runs/:id `.run`, results and frontier items. */
export interface RunSummary {
  id: string;
  sweepId: string;
  cellKey: string;
  name: string;
  family: string;
  referenceName: string | null;
  widthScale: number;
  shape: RunShapeView;
  cost: {
    params: number;
    embeddingParams: number;
    nonEmbeddingParams: number;
    flopsPerExample: number;
    plannedTrainFlops: number;
    trainFlopsSpent: number | null;
    wallSeconds: number | null;
  };
  seed: number;
  status: string;
  attempts: number;
  workerId: string | null;
  backend: string | null;
  device: string | null;
  progress: { phase: string | null; step: number; totalSteps: number; tokensSeen: number; tokensPerSecond: number | null };
  quality: { evalLoss: number | null; negLogPerplexity: number | null; downstreamMean: number | null };
  error: { code: string | null; message: string } | null;
  createdAt: string;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Who a worker process is: what it registers at start (apps/worker registry). */
export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  backend: string;
  devices: string[];
  slots: number;
}

/** GET /v1/workers items. */
export interface WorkerView extends WorkerIdentity {
  status: string;
  live: boolean;
  startedAt: string;
  lastSeenAt: string;
  /** Seconds since the last heartbeat. */
  lastSeenSecondsAgo: number;
  /** Runs this worker is training now. */
  runningRuns: number;
}

/** Runs of a sweep per status (every status present, zero when none). */
export type StatusCounts = Record<RunStatusName, number>;

/** A sweep as listed (GET /v1/sweeps items) and as returned by a submit. */
export interface SweepView {
  id: string;
  name: string;
  status: string;
  priority: number;
  cellCount: number;
  createdAt: string;
  updatedAt: string;
  counts: StatusCounts;
}

/** Steps done over all runs, and the ETA from the throughput the running runs measure. */
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
  sweep: SweepView & { spec: unknown };
  progress: SweepProgress;
}

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

/** An API token as listed and created (never its secret, which only the create answer carries once). */
export interface TokenView {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
