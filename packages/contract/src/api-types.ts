// JSON shapes of the HTTP API's answers that more than one client reads (the api writes them; the CLI and the
// dashboard read them). One definition here keeps the three from drifting apart. Type-only: nothing here runs.

/** A model shape as the API reports it. */
export interface RunShapeView {
  el: number;
  dl: number;
  dm: number;
  ff: number;
  nh: number;
  kv: number;
  vocab: number;
}

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

/** GET /v1/workers items. */
export interface WorkerView {
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
  /** Seconds since the last heartbeat. */
  lastSeenSecondsAgo: number;
  /** Runs this worker is training now. */
  runningRuns: number;
}
