// The API as the dashboard sees it: response types (mirroring apps/api's zod response schemas) and one fetch
// wrapper that adds the bearer token when one is stored and turns error bodies into ApiError.
import type { ResultItem, RunStatusName, RunSummary, StatusCounts, SweepStatus, SweepView } from '@shapesweep/contract';

/**
 * The contract's RUN_STATUSES, restated because the browser bundle takes only types from @shapesweep/contract (its
 * runtime pulls in node:crypto); the type below fails the build if the two lists ever differ.
 */
export const RUN_STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
const sameStatuses: [RunStatus] extends [RunStatusName] ? ([RunStatusName] extends [RunStatus] ? true : false) : false = true;
void sameStatuses;
export type { ResultItem, RunSummary, StatusCounts, SweepStatus };

/** A sweep as listed and submitted (contract SweepView). */
export type Sweep = SweepView;

export interface RunDetail {
  run: RunSummary;
  latestMetrics: { phase: string; name: string; step: number; value: number; wallTime: string }[];
  checkpoints: { id: string; phase: string; step: number; uri: string; bytes: number; createdAt: string }[];
  scores: { task: string; metric: string; value: number; step: number }[];
}

export interface Curve {
  phase: string;
  name: string;
  /** Points stored on the server before downsampling. */
  total: number;
  downsampled: boolean;
  /** [step, value] pairs. */
  points: [number, number][];
}

export interface SweepReportResponse {
  sweepId: string;
  name: string;
  status: string;
  /** packages/analysis SweepReport; only the fields the dashboard reads are typed. */
  report: {
    runCount: number;
    rankCorrelation: {
      overall: { n: number; spearman: number | null; kendallTau: number | null };
      withinParamGroups: { meanSpearman: number | null; n: number };
    };
  };
}

export interface WorkerView {
  id: string;
  host: string;
  backend: string;
  status: string;
  lastSeenAt: string;
}

/** A non-2xx answer; `code` is the API's error code (UNAUTHORIZED, SWEEP_NOT_FOUND, ...). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'shapesweep.token';

/** The bearer token pasted by the user (localStorage), or null. */
export function storedToken(): string | null {
  try {
    const value = window.localStorage.getItem(TOKEN_KEY);
    return value === null || value.trim() === '' ? null : value.trim();
  } catch {
    // Storage can be disabled (privacy modes); the dashboard then works without a token.
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null || token.trim() === '') window.localStorage.removeItem(TOKEN_KEY);
    else window.localStorage.setItem(TOKEN_KEY, token.trim());
  } catch {
    // See storedToken.
  }
}

export type Query = Record<string, string | number | undefined>;

/** `path?query`, leaving out undefined and empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Listeners told when the API answers 401 (the shell then asks for a token). */
const unauthorizedListeners = new Set<(error: ApiError) => void>();
export function onUnauthorized(listener: (error: ApiError) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function apiGet<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = storedToken();
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(withQuery(path, query), { headers, ...(signal === undefined ? {} : { signal }) });
  if (!response.ok) {
    let code = `HTTP_${response.status}`;
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // Not JSON (a proxy's error page): keep the status line.
    }
    const error = new ApiError(response.status, code, message);
    if (response.status === 401) for (const listener of unauthorizedListeners) listener(error);
    throw error;
  }
  return (await response.json()) as T;
}

/** Every page of a cursor-paginated listing, up to `maxItems`. */
export async function apiGetAll<T, K extends string>(
  path: string,
  key: K,
  query: Query,
  maxItems: number,
  signal?: AbortSignal,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await apiGet<Record<K, T[]> & { nextCursor: string | null }>(path, { ...query, cursor }, signal);
    items.push(...page[key]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && items.length < maxItems);
  return items.slice(0, maxItems);
}
