// Table-driven malformed requests: each is answered 4xx with an error naming the field, and none changes Postgres
// or Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from './http/cursor.js';
import { startHarness, tinySpec, type Harness } from './test-support/harness.js';

let h: Harness;
let sweepId: string;
let runId: string;

beforeAll(async () => {
  h = await startHarness();
  const submit = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: tinySpec() });
  sweepId = submit.json().sweep.id;
  runId = (await h.db.pool.query<{ id: string }>('SELECT id FROM run LIMIT 1')).rows[0]!.id;
  // Use every token once now: the first use records last_used_at, which must not show up as a change below.
  for (const scope of ['admin', 'write', 'read'] as const) await h.app.inject({ method: 'GET', url: '/v1/workers', headers: h.auth(scope) });
});
afterAll(async () => {
  await h.close();
});

const TABLES = ['sweep', 'run', 'run_event', 'api_token', 'metric_series', 'metric_value', 'downstream_score', 'checkpoint', 'worker'];

async function snapshot(): Promise<Record<string, unknown>> {
  const counts: Record<string, unknown> = {};
  for (const t of TABLES) {
    const { rows } = await h.db.pool.query<{ n: string; h: string | null }>(`SELECT count(*) AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS h FROM ${t} t`);
    counts[t] = rows[0];
  }
  const keys = (await h.redis.keys(`bull:${h.config.TRAIN_QUEUE}:*`)).sort();
  counts.redisKeys = keys;
  counts.jobs = await h.queue.getJobCounts();
  return counts;
}

type Case = {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string | (() => string);
  auth?: 'admin' | 'write' | 'read' | 'none' | 'bogus';
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  /** Text the error (message or details) must contain: the field it names. */
  field: string;
};

const spec = (overrides: Record<string, unknown>) => tinySpec(overrides);
const post = (name: string, body: unknown, field: string, status = 400): Case => ({ name, method: 'POST', url: '/v1/sweeps', auth: 'write', body, status, field });
const get = (name: string, url: string, field: string, status = 400): Case => ({ name, method: 'GET', url, status, field });

const CASES: Case[] = [
  { name: 'broken JSON', method: 'POST', url: '/v1/sweeps', auth: 'write', rawBody: '{"name": ', contentType: 'application/json', status: 400, field: 'body' },
  { name: 'empty JSON body', method: 'POST', url: '/v1/sweeps', auth: 'write', rawBody: '', contentType: 'application/json', status: 400, field: 'body' },
  { name: 'not JSON at all', method: 'POST', url: '/v1/sweeps', auth: 'write', rawBody: 'name=x', contentType: 'text/plain', status: 415, field: 'body' },
  { name: 'body too large', method: 'POST', url: '/v1/sweeps', auth: 'write', rawBody: JSON.stringify({ name: 'x'.repeat(1_100_000) }), contentType: 'application/json', status: 413, field: 'body' },
  post('spec is an array', [1, 2], '(root)'),
  post('name of the wrong type', spec({ name: 42 }), 'name'),
  post('missing name', spec({ name: undefined }), 'name'),
  post('unknown top-level field', spec({ colour: 'red' }), 'colour'),
  post('unknown preset', spec({ cells: { names: ['gigantic'] } }), 'cells.names[0]'),
  post('unknown knob', spec({ cells: { oneKnob: { base: 'small', knob: 'depth', values: [2] } } }), 'cells.oneKnob.knob'),
  post('zero width', spec({ cells: { grid: { base: 'small', knobs: { dm: [0] } } } }), 'cells.grid.knobs.dm[0]'),
  post('negative depth', spec({ cells: { oneKnob: { base: 'small', knob: 'nl', values: [-4] } } }), 'cells.oneKnob.values[0]'),
  post('huge width', spec({ cells: { grid: { base: 'small', knobs: { dm: [10_000_000] } } } }), 'cells.grid.knobs.dm[0]'),
  post('two generators in one', spec({ cells: { names: ['small'], grid: { base: 'small', knobs: { nl: [2] } } } }), 'cells'),
  post('grid over the cell limit', spec({
    cells: { grid: { base: 'small', knobs: { nl: Array.from({ length: 40 }, (_, i) => i + 1), ff: Array.from({ length: 40 }, (_, i) => 512 * (i + 1)), kv: [32, 48, 64, 80, 96, 112, 128] } } },
  }), 'cells', 400),
  post('unknown task', spec({ training: { finetune: { tasks: ['poetry'] } } }), 'training.finetune.tasks[0]'),
  post('fractional seed', spec({ seeds: [1.5] }), 'seeds[0]'),
  post('width scale of zero', spec({ widthScales: ['1/0'] }), 'widthScales[0]'),
  post('vocabulary too small', spec({ vocab: 10 }), 'vocab'),
  post('negative priority', spec({ priority: -1 }), 'priority'),
  post('negative budget', spec({ budget: { maxParams: -1 } }), 'budget.maxParams'),
  post('zero pretraining steps', spec({ training: { pretrain: { steps: 0 } } }), 'training.pretrain.steps'),
  { name: 'no token', method: 'POST', url: '/v1/sweeps', auth: 'none', body: tinySpec(), status: 401, field: 'authorization' },
  { name: 'unknown token', method: 'POST', url: '/v1/sweeps', auth: 'bogus', body: tinySpec(), status: 401, field: 'authorization' },
  { name: 'read-only token on a mutation', method: 'POST', url: '/v1/sweeps', auth: 'read', body: tinySpec(), status: 403, field: 'authorization' },
  { name: 'no token on cancel', method: 'POST', url: () => `/v1/sweeps/${sweepId}/cancel`, auth: 'none', status: 401, field: 'authorization' },
  { name: 'Idempotency-Key with spaces', method: 'POST', url: '/v1/sweeps', auth: 'write', body: tinySpec(), headers: { 'idempotency-key': 'two words' }, status: 400, field: 'idempotency-key' },
  { name: 'dryRun not a boolean', method: 'POST', url: '/v1/sweeps?dryRun=maybe', auth: 'write', body: tinySpec(), status: 400, field: 'dryRun' },
  get('maxParams not a number', '/v1/results?maxParams=abc', 'maxParams'),
  get('negative maxFlops', '/v1/results?maxFlops=-5', 'maxFlops'),
  get('infinite maxWallSeconds', '/v1/results?maxWallSeconds=Infinity', 'maxWallSeconds'),
  get('unknown task in results', '/v1/results?task=poetry', 'task'),
  get('score metric without a task', '/v1/results?metric=accuracy', 'metric'),
  get('bad cursor', '/v1/results?cursor=%%%', 'cursor'),
  get('cursor of another listing', `/v1/results?cursor=${encodeCursor('sweeps', { createdAt: '2020-01-01T00:00:00.000Z', id: 'x' })}`, 'cursor'),
  get('limit of zero', '/v1/results?limit=0', 'limit'),
  get('unknown sort', '/v1/results?sort=random', 'sort'),
  get('unknown query parameter', '/v1/results?colour=red', 'colour'),
  get('unknown frontier axis', '/v1/frontier?x=height', 'x'),
  get('unknown frontier quality', '/v1/frontier?y=poetry', 'y'),
  get('fit over wall time', '/v1/fits?x=wallSeconds', 'x'),
  get('fit at a zero budget', '/v1/fits?at=0', 'at'),
  get('too few curve points', '/v1/runs/run_x/metrics?maxPoints=2', 'maxPoints'),
  get('unknown run', '/v1/runs/run_nope', 'id', 404),
  get('unknown sweep status filter', '/v1/sweeps?status=DONE', 'status'),
  get('sweep cursor that is not base64url JSON', '/v1/sweeps?cursor=bm9wZQ', 'cursor'),
  get('unknown route', '/v1/nope', '/v1/nope', 404),
  { name: 'cancel of an unknown sweep', method: 'POST', url: '/v1/sweeps/sw_nope/cancel', auth: 'write', status: 404, field: 'id' },
  { name: 'token creation without admin scope', method: 'POST', url: '/v1/tokens', auth: 'write', body: { name: 'x' }, status: 403, field: 'authorization' },
  { name: 'token with an unknown scope', method: 'POST', url: '/v1/tokens', auth: 'admin', body: { name: 'x', scopes: ['root'] }, status: 400, field: 'scopes' },
  { name: 'revoke an unknown token', method: 'DELETE', url: '/v1/tokens/tok_nope', auth: 'admin', status: 404, field: 'id' },
  { name: 'plan with a bad spec', method: 'POST', url: '/v1/shapes/plan', auth: 'read', body: { name: 'x', cells: { names: ['nope'] } }, status: 400, field: 'cells.names[0]' },
  { name: 'queue dashboard without admin token', method: 'GET', url: '/admin/queues', auth: 'write', status: 403, field: 'authorization' },
];

describe('malformed requests', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('answers $status naming the field and changes nothing: $name', async (c) => {
    const before = await snapshot();
    const headers: Record<string, string> = { ...c.headers };
    if (c.auth === 'bogus') headers.authorization = 'Bearer ssw_not-a-real-token';
    else if (c.auth !== undefined && c.auth !== 'none') Object.assign(headers, h.auth(c.auth));
    let payload: string | undefined;
    if (c.rawBody !== undefined) {
      payload = c.rawBody;
      headers['content-type'] = c.contentType ?? 'application/json';
    } else if (c.body !== undefined) {
      payload = JSON.stringify(c.body);
      headers['content-type'] = 'application/json';
    }
    const url = typeof c.url === 'function' ? c.url() : c.url;
    const res = await h.app.inject({ method: c.method, url, headers, ...(payload === undefined ? {} : { payload }) });
    expect(res.statusCode, res.body).toBe(c.status);
    const body = res.json() as { error: { code: string; message: string; details: string[] } };
    expect(typeof body.error.code).toBe('string');
    expect(`${body.error.message} ${body.error.details.join(' ')}`).toContain(c.field);
    expect(await snapshot()).toEqual(before);
  });

  it('never answers 5xx to any of them (the runs above) and still serves the sweep', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/sweeps/${sweepId}` });
    expect(res.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}` })).statusCode).toBe(200);
  });
});
