// Readiness probes: each answers within a deadline and says what is wrong, never throws.
import type { Database } from '@shapesweep/db';
import type { TrainQueue } from '../../context.js';
import { withTimeout } from '../../http/timeout.js';

export interface Check {
  ok: boolean;
  /** What failed, for the operator; absent when ok. */
  error?: string;
  latencyMs: number;
}

async function timed(fn: () => Promise<void>): Promise<Check> {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: performance.now() - started };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), latencyMs: performance.now() - started };
  }
}

export function checkPostgres(db: Database, timeoutMs: number): Promise<Check> {
  return timed(async () => {
    await withTimeout(db.pool.query('SELECT 1'), timeoutMs, 'Postgres');
  });
}

export function checkRedis(queue: TrainQueue, timeoutMs: number): Promise<Check> {
  return timed(async () => {
    // BullMQ's IRedisClient adapter type leaves PING out, but the client behind it is ioredis, which has it.
    const answer = await withTimeout(queue.client.then((c) => (c as unknown as { ping(): Promise<string> }).ping()), timeoutMs, 'Redis');
    if (answer !== 'PONG') throw new Error(`Redis answered ${answer} to PING`);
  });
}

/** Every migration this build ships is recorded as finished in `_prisma_migrations`. */
export function checkMigrations(db: Database, expected: readonly string[], timeoutMs: number): Promise<Check> {
  return timed(async () => {
    const { rows } = await withTimeout(
      db.pool.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      ),
      timeoutMs,
      'Postgres',
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const missing = expected.filter((name) => !applied.has(name));
    if (missing.length > 0) throw new Error(`migrations not applied: ${missing.join(', ')} (run npm run db:migrate)`);
  });
}
