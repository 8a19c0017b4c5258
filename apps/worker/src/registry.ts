// The Worker row: who is training where. Registered at start, refreshed every HEARTBEAT_INTERVAL_MS, STOPPED on a
// clean exit. Every live worker also sweeps for peers that stopped heartbeating and marks them LOST (the cheap,
// coordination-free way: the UPDATE is idempotent, so N workers doing it at once is harmless).
import type { WorkerIdentity } from '@shapesweep/contract';
import { WorkerStatus, type Database } from '@shapesweep/db';

export class WorkerRegistry {
  readonly #db: Database;
  readonly #identity: WorkerIdentity;

  constructor(db: Database, identity: WorkerIdentity) {
    this.#db = db;
    this.#identity = identity;
  }

  get identity(): Readonly<WorkerIdentity> {
    return this.#identity;
  }

  async register(): Promise<void> {
    const { id, ...fields } = this.#identity;
    const now = new Date();
    await this.#db.prisma.worker.upsert({
      where: { id },
      create: { id, ...fields, status: WorkerStatus.ONLINE, startedAt: now, lastSeenAt: now },
      update: { ...fields, status: WorkerStatus.ONLINE, lastSeenAt: now },
    });
  }

  /** Refreshes last_seen_at (and the backend, once a trainer reported it). */
  async heartbeat(): Promise<void> {
    await this.#db.prisma.worker.updateMany({
      where: { id: this.#identity.id },
      data: { lastSeenAt: new Date(), status: WorkerStatus.ONLINE, backend: this.#identity.backend },
    });
  }

  /** Marks ONLINE workers unseen for `staleMs` as LOST; returns their ids. */
  async markStale(staleMs: number): Promise<string[]> {
    const cutoff = new Date(Date.now() - staleMs);
    const stale = await this.#db.prisma.worker.findMany({
      where: { status: WorkerStatus.ONLINE, lastSeenAt: { lt: cutoff }, id: { not: this.#identity.id } },
      select: { id: true },
    });
    if (stale.length === 0) return [];
    await this.#db.prisma.worker.updateMany({
      where: { id: { in: stale.map((w) => w.id) }, status: WorkerStatus.ONLINE, lastSeenAt: { lt: cutoff } },
      data: { status: WorkerStatus.LOST },
    });
    return stale.map((w) => w.id);
  }

  async markStopped(): Promise<void> {
    await this.#db.prisma.worker.updateMany({ where: { id: this.#identity.id }, data: { status: WorkerStatus.STOPPED, lastSeenAt: new Date() } });
  }
}
