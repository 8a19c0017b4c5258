// worker table reads: the worker heartbeats last_seen_at every few seconds; "live" is a recent heartbeat.
import type { WorkerView } from '@shapesweep/contract';
import type { Database } from '@shapesweep/db';

/** A worker is live when it says ONLINE and its heartbeat is younger than `liveMs`. */
export async function listWorkers(db: Database, nowMs: number, liveMs: number, onlyLive: boolean): Promise<WorkerView[]> {
  const { rows } = await db.pool.query<{
    id: string; host: string; pid: number; backend: string; devices: string[]; slots: number; status: string;
    started_at: Date; last_seen_at: Date; running: string;
  }>(
    `SELECT w.id, w.host, w.pid, w.backend, w.devices, w.slots, w.status::text AS status, w.started_at, w.last_seen_at,
            (SELECT count(*) FROM run r WHERE r.worker_id = w.id AND r.status = 'RUNNING') AS running
       FROM worker w
      WHERE ($1::boolean IS FALSE OR (w.status = 'ONLINE' AND w.last_seen_at > $2::timestamptz))
      ORDER BY w.last_seen_at DESC, w.id
      LIMIT 1000`,
    [onlyLive, new Date(nowMs - liveMs)],
  );
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    backend: r.backend,
    devices: r.devices,
    slots: r.slots,
    status: r.status,
    live: r.status === 'ONLINE' && nowMs - r.last_seen_at.getTime() < liveMs,
    startedAt: r.started_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    lastSeenSecondsAgo: Math.max(0, (nowMs - r.last_seen_at.getTime()) / 1000),
    runningRuns: Number(r.running),
  }));
}

export async function countLiveWorkers(db: Database, nowMs: number, liveMs: number): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM worker WHERE status = 'ONLINE' AND last_seen_at > $1::timestamptz`,
    [new Date(nowMs - liveMs)],
  );
  return Number(rows[0]?.n ?? 0);
}
