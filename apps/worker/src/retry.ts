// Transient I/O (a Postgres restart, a Redis failover) is retried with capped exponential backoff and jitter; the
// caller decides how long it may keep trying (final writes try for minutes, progress updates try once).

export interface RetryOptions {
  /** Tries in total, the first included. @defaultValue 8 */
  attempts?: number;
  /** Delay before the second try, in ms; doubles each time. @defaultValue 200 */
  baseDelayMs?: number;
  /** Longest single delay, in ms. @defaultValue 5000 */
  maxDelayMs?: number;
  /** Whether an error is worth another try. @defaultValue isTransientError */
  retryable?: (err: unknown) => boolean;
  /** Told about every failed try that will be retried. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Aborts the waiting between tries (shutdown). */
  signal?: AbortSignal;
}

/** Delay before try `attempt + 1` (attempt is 1-based): base·2^(attempt−1), capped, with ±20 % jitter. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

// Postgres SQLSTATE classes and Node socket errors that mean "the database went away", not "the query is wrong".
const TRANSIENT_SQLSTATE = /^(08|53|57P0[123]|40001|40P01)/;
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
// Prisma: P1001 can't reach, P1002 timed out, P1008 operation timeout, P1017 server closed the connection,
// P2024 pool timeout, P2034 write conflict / deadlock.
const TRANSIENT_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034']);
const TRANSIENT_MESSAGE = /connection (terminated|refused|closed|ended)|Connection terminated|server closed the connection|terminating connection|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error|password authentication failed|is not permitted to log in|the database system is (starting up|shutting down)/i;

/**
 * True for errors that a retry can fix: lost connections, a Postgres that restarts or refuses logins, pool timeouts,
 * serialization failures. Programming errors (bad SQL, constraint violations) are not retried.
 */
export function isTransientError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const record = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof record.code === 'string') {
      if (TRANSIENT_SQLSTATE.test(record.code) || TRANSIENT_NODE_CODES.has(record.code) || TRANSIENT_PRISMA.has(record.code)) return true;
      // 28000/28P01: the role may not log in right now (an operator disabled it); retrying is the only sane reaction.
      if (record.code === '28000' || record.code === '28P01') return true;
    }
    if (typeof record.message === 'string' && TRANSIENT_MESSAGE.test(record.message)) return true;
    e = record.cause;
  }
  return false;
}

/** Runs `fn`, retrying transient failures; rethrows the last error when out of tries or not retryable. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const retryable = options.retryable ?? isTransientError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !retryable(err) || options.signal?.aborted === true) throw err;
      const delayMs = backoffDelayMs(attempt, options.baseDelayMs ?? 200, options.maxDelayMs ?? 5_000);
      options.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
