import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepReport } from '@shapesweep/analysis';
import { seedFinishedSweep } from '../../bench/seed.js';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { FinishedRunsCache, dataVersion, runRecords } from './store.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await seedFinishedSweep(h.db, { sweepId: 'sw_c', runs: 30, seed: 5 });
});
afterAll(async () => {
  await h.close();
});

const setStatus = (id: string, status: string, updatedAt = 'now()') =>
  h.db.pool.query(`UPDATE run SET status = $2::run_status, updated_at = ${updatedAt} WHERE id = $1`, [id, status]);

/** What a cache-free read returns now. */
async function fresh() {
  return runRecords(h.db, { sweepId: 'sw_c' });
}

describe('FinishedRunsCache', () => {
  it('reads a sweep once, then only what changed, and always agrees with a fresh read', async () => {
    const cache = new FinishedRunsCache();
    await setStatus('sw_c_r000007', 'RUNNING');
    const first = await cache.get(h.db, 'sw_c', await dataVersion(h.db, 'sw_c'));
    expect(first).toHaveLength(29);
    expect(first).toEqual(await fresh());
    expect(cache.stats).toEqual({ full: 1, incremental: 0, hits: 0 });

    // Nothing changed: served from memory.
    await cache.get(h.db, 'sw_c', await dataVersion(h.db, 'sw_c'));
    expect(cache.stats.hits).toBe(1);

    // The run finishes: one incremental read brings it in, and the report matches one built from scratch.
    await setStatus('sw_c_r000007', 'SUCCEEDED');
    const second = await cache.get(h.db, 'sw_c', await dataVersion(h.db, 'sw_c'));
    expect(cache.stats).toMatchObject({ full: 1, incremental: 1 });
    expect(second).toHaveLength(30);
    expect(second).toEqual(await fresh());
    expect(sweepReport(second)).toEqual(sweepReport(await fresh()));
  });

  it('falls back to a full read when the merged set cannot be right', async () => {
    const cache = new FinishedRunsCache();
    await cache.get(h.db, 'sw_c', await dataVersion(h.db, 'sw_c'));
    expect(cache.stats.full).toBe(1);

    // A run leaves SUCCEEDED: the delta cannot show a removal, but the count does.
    await setStatus('sw_c_r000003', 'FAILED');
    const afterLeave = await cache.get(h.db, 'sw_c', await dataVersion(h.db, 'sw_c'));
    expect(cache.stats.full).toBe(2);
    expect(afterLeave.map((r) => r.id)).not.toContain('sw_c_r000003');
    expect(afterLeave).toEqual(await fresh());

    // A straggler: it finished with a timestamp older than the overlap window looks back.
    await setStatus('sw_c_r000003', 'SUCCEEDED', `now() - interval '1 hour'`);
    await setStatus('sw_c_r000004', 'SUCCEEDED');
    const afterStraggler = await cache.get(h.db, 'sw_c', await dataVersion(h.db, 'sw_c'));
    expect(cache.stats.full).toBe(3);
    expect(afterStraggler.map((r) => r.id)).toContain('sw_c_r000003');
    expect(afterStraggler).toEqual(await fresh());
  });
});
