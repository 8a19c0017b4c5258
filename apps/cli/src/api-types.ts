// The shapes of the API responses the CLI reads (apps/api route schemas; OpenAPI at /docs). Types only: the CLI
// trusts its own API's responses and prints what it got with --json.

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

export interface RunShape {
  el: number;
  dl: number;
  dm: number;
  ff: number;
  nh: number;
  kv: number;
  vocab: number;
}

export interface RunSummary {
  id: string;
  sweepId: string;
  cellKey: string;
  name: string;
  family: string;
  referenceName: string | null;
  widthScale: number;
  shape: RunShape;
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

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  backend: string;
  devices: string[];
  slots: number;
  status: string;
  live: boolean;
  startedAt: string;
  lastSeenAt: string;
  lastSeenSecondsAgo: number;
  runningRuns: number;
}
