import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tinySpec, type Harness } from '../../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: tinySpec() });
});
afterAll(async () => {
  await h.close();
});

describe('operations endpoints', () => {
  it('reports ready when Postgres, Redis and the migrations are', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true }, migrations: { ok: true } } });
  });

  it('exposes queue depth, runs per status and live workers in Prometheus format', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/shapesweep_queue_jobs\{queue="test-[^"]+",state="prioritized"\} 4/);
    expect(res.body).toContain('shapesweep_runs{status="QUEUED"} 4');
    expect(res.body).toContain('shapesweep_workers_live 0');
    expect(res.body).toMatch(/# TYPE shapesweep_metric_points_ingested_total counter/);
  });

  it('serves an OpenAPI 3 document generated from the route schemas', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/sweeps', '/v1/results', '/v1/frontier', '/v1/runs/{id}/metrics']));
  });

  it('opens the queue dashboard for an admin token only', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/admin/queues', headers: h.auth('admin') })).statusCode).toBe(200);
    const anonymous = await h.app.inject({ method: 'GET', url: '/admin/queues' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/Basic/);
  });
});
