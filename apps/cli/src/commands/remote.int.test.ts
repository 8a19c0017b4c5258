// The API commands against the real api process (its own Postgres schema, queue, port and admin token file), through
// runCli with real fetch. Training is not run: finished runs are written to Postgres the way a worker writes them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { EXIT } from '../command.js';
import { closedPort, finishRun, startApiProcess, writeRunEvent, type ApiProcess } from '../test-support/api-process.js';
import { memoryIo, type MemoryIo } from '../test-support/memoryIo.js';

let api: ApiProcess;
let dir: string;

const spec = (name: string) => ({
  name,
  vocab: 512,
  widthScales: ['1/16'],
  seeds: [0],
  cells: [{ deepNarrow: { references: ['base'], axis: 'params', tolerance: 0.05, widths: ['small'] } }, { names: ['small-nl12', 'small'] }],
  training: { pretrain: { steps: 10, batchSize: 2, inputLength: 32, targetLength: 8 }, finetune: { steps: 2, tasks: ['sentiment', 'spam'] } },
});

function writeSpec(file: string, body: unknown): string {
  const full = path.join(dir, file);
  writeFileSync(full, typeof body === 'string' ? body : JSON.stringify(body));
  return full;
}

async function cli(args: string[], env: Record<string, string> = {}, signal?: AbortSignal): Promise<{ code: number; io: MemoryIo }> {
  const io = memoryIo({ env: { ...api.cliEnv(), ...env }, fetch: globalThis.fetch, cwd: dir, ...(signal === undefined ? {} : { signal }) });
  const code = await runCli(args, io);
  return { code, io };
}

async function json<T>(args: string[]): Promise<T> {
  const { code, io } = await cli([...args, '--json']);
  expect(io.err()).toBe('');
  expect(code).toBe(EXIT.ok);
  return JSON.parse(io.out()) as T;
}

/** One line on stderr, `shapesweep <command>: ...`. */
function oneLine(io: MemoryIo): string {
  const err = io.err();
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  return err.trimEnd();
}

interface Run {
  id: string;
  name: string;
  family: string;
  status: string;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shapesweep-cli-int-'));
  api = await startApiProcess();
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('submit, status, runs, cancel, retry', () => {
  let sweepId: string;

  it('prints the plan for --dry-run and writes nothing', async () => {
    const file = writeSpec('a.json', spec('cli sweep a'));
    const { code, io } = await cli(['submit', file, '--dry-run']);
    expect(io.err()).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^dry run: sweep \S+ "cli sweep a" would have 4 cells/);
    expect(io.out()).toContain('small-nl27@w1/16');
    const list = await cli(['status']);
    expect(list.io.out()).toMatch(/^no sweeps yet/);
  });

  it('submits a sweep once: the same Idempotency-Key returns the same sweep without new work', async () => {
    const file = writeSpec('a.json', spec('cli sweep a'));
    const first = await json<{ sweep: { id: string; cellCount: number }; created: boolean; enqueued: number }>(['submit', file, '--idempotency-key', 'k-1']);
    expect(first).toMatchObject({ created: true, enqueued: 4, sweep: { cellCount: 4 } });
    const again = await json<{ sweep: { id: string }; created: boolean; enqueued: number }>(['submit', file, '--idempotency-key', 'k-1']);
    expect(again).toMatchObject({ created: false, enqueued: 0, sweep: { id: first.sweep.id } });
    sweepId = first.sweep.id;

    const text = await cli(['submit', file]);
    expect(text.io.out()).toContain(`already submitted: sweep ${sweepId} "cli sweep a", 4 cells`);
  });

  it('lists sweeps and shows one with its counts', async () => {
    const list = await cli(['status']);
    expect(list.code).toBe(EXIT.ok);
    expect(list.io.out()).toMatch(new RegExp(`${sweepId}\\s+cli sweep a\\s+ACTIVE\\s+4\\s+4 queued`));
    const one = await cli(['status', sweepId]);
    expect(one.io.out()).toContain(`sweep ${sweepId} "cli sweep a": ACTIVE`);
    expect(one.io.out()).toContain('runs: 4 queued (of 4)');
    const asJson = await json<{ sweep: { counts: { QUEUED: number } }; progress: { stepsTotal: number } }>(['status', sweepId]);
    expect(asJson.sweep.counts.QUEUED).toBe(4);
  });

  it('lists the runs of the sweep', async () => {
    const runs = await json<Run[]>(['runs', sweepId]);
    expect(runs.map((r) => r.name).sort()).toEqual(['base@w1/16', 'small-nl12@w1/16', 'small-nl27@w1/16', 'small@w1/16']);
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(['QUEUED']));
    const table = await cli(['runs', sweepId, '--status', 'queued']);
    expect(table.io.out().split('\n')[0]).toMatch(/^run\s+name\s+family\s+seed\s+params/);
    expect(table.io.out()).toContain('small-nl27@w1/16  deepnarrow');
  });

  it('cancels the waiting runs, then retry queues them again', async () => {
    const cancelled = await cli(['cancel', sweepId]);
    expect(cancelled.io.err()).toBe('');
    expect(cancelled.io.out()).toBe(`sweep ${sweepId}: 4 waiting runs cancelled, 0 running runs told to stop\n`);
    expect(new Set((await json<Run[]>(['runs', sweepId])).map((r) => r.status))).toEqual(new Set(['CANCELLED']));
    const retried = await json<{ reset: number; enqueued: number }>(['retry', sweepId]);
    expect(retried).toMatchObject({ reset: 4, enqueued: 4 });
    expect(new Set((await json<Run[]>(['runs', sweepId])).map((r) => r.status))).toEqual(new Set(['QUEUED']));
  });

  it('answers exit 2 with one line for a sweep that does not exist, naming it', async () => {
    const { code, io } = await cli(['status', 'sw_nope']);
    expect(code).toBe(EXIT.usage);
    expect(oneLine(io)).toMatch(/^shapesweep status: id: no sweep has id "sw_nope" .*\(SWEEP_NOT_FOUND, HTTP 404\)$/);
  });
});

describe('token and workers', () => {
  it('creates, lists and revokes a token; the revoked token is refused with exit 2', async () => {
    const created = await json<{ token: { id: string; name: string; scopes: string[] }; secret: string }>(['token', 'create', 'ci-bot', '--scopes', 'read,write']);
    expect(created.token).toMatchObject({ name: 'ci-bot', scopes: ['read', 'write'] });
    // The new token works for a mutation (dry runs need write scope too).
    const file = writeSpec('t.json', spec('token sweep'));
    expect((await cli(['submit', file, '--dry-run', '--token', created.secret])).code).toBe(EXIT.ok);

    const list = await cli(['token', 'list']);
    expect(list.io.out()).toMatch(new RegExp(`${created.token.id}\\s+ci-bot\\s+read,write`));
    const revoked = await cli(['token', 'revoke', created.token.id]);
    expect(revoked.io.out()).toBe(`token ${created.token.id} "ci-bot" revoked\n`);
    expect((await json<Array<{ id: string }>>(['token', 'list'])).map((t) => t.id)).not.toContain(created.token.id);

    const refused = await cli(['submit', file, '--dry-run'], { SHAPESWEEP_TOKEN: created.secret });
    expect(refused.code).toBe(EXIT.usage);
    expect(oneLine(refused.io)).toMatch(/^shapesweep submit: .*\(UNAUTHORIZED, HTTP 401\)$/);
  });

  it('refuses token management with a write-only token, naming the problem', async () => {
    const created = await json<{ secret: string }>(['token', 'create', 'writer', '--scopes', 'write']);
    const { code, io } = await cli(['token', 'list', '--token', created.secret]);
    expect(code).toBe(EXIT.usage);
    expect(oneLine(io)).toMatch(/\(FORBIDDEN, HTTP 403\)$/);
  });

  it('lists workers from their heartbeats', async () => {
    expect((await cli(['workers'])).io.out()).toBe('no workers (start one with: shapesweep worker)\n');
    await api.db.pool.query(`INSERT INTO worker (id, host, pid, backend, devices, slots) VALUES ('w-1', 'gpu-box', 4242, 'node', '{}', 2)`);
    const { io } = await cli(['workers']);
    expect(io.out()).toMatch(/w-1\s+gpu-box\s+4242\s+node\s+-\s+2\s+0\s+ONLINE/);
    expect(io.out()).toContain('1 live');
    expect((await json<{ liveCount: number }>(['workers'])).liveCount).toBe(1);
  });
});

describe('results, frontier, fit and report on finished runs', () => {
  let sweepId: string;
  let runs: Run[];
  const byName = (name: string) => runs.find((r) => r.name === name)!;

  beforeAll(async () => {
    const submitted = await json<{ sweep: { id: string } }>(['submit', writeSpec('b.json', spec('cli sweep b'))]);
    sweepId = submitted.sweep.id;
    runs = await json<Run[]>(['runs', sweepId]);
    // DeepNarrow beats base downstream at equal parameters; upstream, base is slightly better: the rankings disagree.
    const results: Record<string, [number, number, number]> = {
      'base@w1/16': [-3.0, 0.6, 0.62],
      'small-nl27@w1/16': [-3.05, 0.7, 0.74],
      'small-nl12@w1/16': [-3.3, 0.58, 0.6],
      'small@w1/16': [-3.6, 0.52, 0.5],
    };
    for (const [name, [nlp, sentiment, spam]] of Object.entries(results)) {
      await finishRun(api.db, byName(name).id, { negLogPerplexity: nlp, scores: { sentiment, spam }, wallSeconds: 60, tokensPerSecond: 1500 });
    }
  });

  it('ranks finished runs within a budget written as 500k, best first', async () => {
    const items = await json<Array<{ name: string }>>(['results', '--sweep', sweepId, '--max-params', '500k']);
    expect(items.map((i) => i.name)).toEqual(['small-nl12@w1/16', 'small@w1/16']);
    const all = await cli(['results', '--sweep', sweepId, '--max-flops', '1e12']);
    const lines = all.io.out().split('\n');
    expect(lines[0]).toBe('ranked by downstream, best first');
    expect(lines[1]).toMatch(/^#\s+name\s+family\s+params\s+FLOPs\s+wall\s+downstream\s+upstream\s+sentiment\s+spam\s+mean\s+run$/);
    expect(lines[3]).toMatch(/^1\s+small-nl27@w1\/16\s+deepnarrow\s+795\.42k\s+34\.10G\s+60s\s+0\.720\s+-3\.050\s+0\.700\s+0\.740\s+0\.720/);
    const upstream = await json<Array<{ name: string }>>(['results', '--sweep', sweepId, '--metric', 'upstream', '--limit', '1']);
    expect(upstream.map((i) => i.name)).toEqual(['base@w1/16']);
  });

  it('prints the Pareto frontier on params and on FLOPs', async () => {
    const params = await json<{ frontier: Array<{ run: { name: string } }> }>(['frontier', '--sweep', sweepId]);
    expect(params.frontier.map((p) => p.run.name)).toEqual(['small@w1/16', 'small-nl12@w1/16', 'small-nl27@w1/16']);
    const text = await cli(['frontier', '--x', 'flops', '--y', 'upstream', '--sweep', sweepId]);
    expect(text.io.out()).toMatch(/^3 of 4 finished runs are Pareto-optimal on flops x upstream\n/);
    expect(text.io.out()).toContain('base@w1/16');
  });

  it('fits a power law and predicts at a budget', async () => {
    const { code, io } = await cli(['fit', '--sweep', sweepId, '--at', '1.2M']);
    expect(io.err()).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^eval loss\(params\) = E \+ A \* params\^-alpha over 4 runs/);
    expect(io.out()).toMatch(/\nat params = 1\.20M: eval loss \d+\.\d{3}, negative log-perplexity -\d+\.\d{3}/);
  });

  it('reports the table, frontiers, rank correlations and DeepNarrow against base, and writes the HTML report', async () => {
    const { code, io } = await cli(['report', sweepId, '--html', 'out/report.html']);
    expect(code).toBe(EXIT.ok);
    expect(io.err()).toBe(`wrote ${path.join(dir, 'out/report.html')}\n`);
    const out = io.out();
    expect(out).toContain(`sweep ${sweepId} "cli sweep b": COMPLETED, 4 runs (4 succeeded)`);
    expect(out).toMatch(/shape\s+family\s+EL\/DL DM FF NHxKV\s+params\s+FLOPs\s+upstream\s+sentiment\s+spam\s+mean\s+tok\/s\s+frontier/);
    expect(out).toMatch(/small-nl27@w1\/16\s+deepnarrow\s+27\/27 32 128 8x4\s+795\.42k\s+34\.10G\s+-3\.050\s+0\.700\s+0\.740\s+0\.720\s+1\.5k\s+P F/);
    expect(out).toContain('  on params: small@w1/16 (189.95k, 0.510) -> small-nl12@w1/16 (362.94k, 0.590) -> small-nl27@w1/16 (795.42k, 0.720)');
    expect(out).toMatch(/Spearman over 4 runs: 0\.80/);
    expect(out).toMatch(/small-nl27@w1\/16 vs base@w1\/16: params 0\.99x.*downstream 0\.720 vs 0\.610 \(\+0\.110\).*matches or beats its reference downstream/);
    const html = readFileSync(path.join(dir, 'out/report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('cli sweep b');
    expect(html).toContain('small-nl27@w1/16');
    expect(html).toContain('<th>Params</th>');
  });
});

describe('watch', () => {
  it('follows the event stream until every run finished, across an api restart, and exits 1 when a run failed', async () => {
    const submitted = await json<{ sweep: { id: string } }>(['submit', writeSpec('c.json', spec('cli sweep c'))]);
    const sweepId = submitted.sweep.id;
    const runs = await json<Run[]>(['runs', sweepId]);
    const out = memoryIo({ env: api.cliEnv(), fetch: globalThis.fetch, cwd: dir });
    const watching = runCli(['watch', sweepId, '--interval', '1'], out);
    // Once watch printed its first summary it is connecting to the stream; then play a worker's events.
    while (out.out() === '') await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_000));
    const [first, second, ...rest] = runs;
    await writeRunEvent(api.db, sweepId, first!.id, 'run.started', { attempt: 1, workerId: 'w', resumeFromStep: 0 }, 'RUNNING');
    await writeRunEvent(api.db, sweepId, first!.id, 'run.progress', { phase: 'pretrain', step: 5, totalSteps: 14, tokensSeen: 320, tokensPerSecond: 800, etaSeconds: 9 });
    await new Promise((r) => setTimeout(r, 1_500));
    // The api goes away and comes back: watch reconnects with Last-Event-ID and misses nothing written meanwhile.
    await api.stop();
    await finishRun(api.db, first!.id, { negLogPerplexity: -3, scores: { sentiment: 0.6, spam: 0.6 }, wallSeconds: 5, tokensPerSecond: 900 });
    await writeRunEvent(api.db, sweepId, second!.id, 'run.failed', { code: 'TRAINING_DIVERGED', message: 'loss is NaN at step 3' }, 'FAILED');
    await api.restart();
    for (const run of rest) await finishRun(api.db, run.id, { negLogPerplexity: -3.2, scores: { sentiment: 0.55, spam: 0.5 }, wallSeconds: 5, tokensPerSecond: 900 });

    const code = await watching;
    expect(code).toBe(EXIT.failure);
    const text = out.out();
    expect(text).toContain(`${first!.name} queued -> running`);
    expect(text).toMatch(new RegExp(`${first!.name.replace(/[@/]/g, '.')} running -> done  upstream -3\\.000  downstream 0\\.600`));
    expect(text).toContain(`${second!.name} queued -> FAILED  TRAINING_DIVERGED: loss is NaN at step 3`);
    expect(text).toMatch(/cli sweep c \(\S+\)\s+3\/4 done\s+1 failed\s+\d+%\n$/);
    expect(oneLine(out)).toBe(`shapesweep watch: sweep ${sweepId}: 1 run(s) failed, 0 cancelled; first failure: ${second!.name}: TRAINING_DIVERGED: loss is NaN at step 3 (shapesweep retry SWEEP re-queues them)`);
  });

  it('exits 130 when interrupted, and 0 at once for a sweep already finished', async () => {
    const submitted = await json<{ sweep: { id: string } }>(['submit', writeSpec('d.json', spec('cli sweep d'))]);
    const controller = new AbortController();
    const watching = cli(['watch', submitted.sweep.id], {}, controller.signal);
    setTimeout(() => controller.abort(new Error('received SIGINT')), 1_000);
    expect((await watching).code).toBe(130);
    for (const run of await json<Run[]>(['runs', submitted.sweep.id])) {
      await finishRun(api.db, run.id, { negLogPerplexity: -3, scores: { sentiment: 0.6 }, wallSeconds: 5, tokensPerSecond: 900 });
    }
    const done = await cli(['watch', submitted.sweep.id]);
    expect(done.io.err()).toBe('');
    expect(done.code).toBe(EXIT.ok);
    expect(done.io.out()).toMatch(/4\/4 done\s+100%/);
  });
});

describe('bad input and an unreachable api', () => {
  it.each([
    [['results', '--max-params', 'lots'], /^shapesweep results: --max-params: expected a positive number like 1e9, 60M or 1\.2B, got "lots"$/],
    [['frontier', '--x', 'speed'], /^shapesweep frontier: --x: expected one of params, flops, wallSeconds, got "speed"$/],
    [['token', 'create'], /^shapesweep token: create needs a NAME/],
    [['submit', 'missing.yaml'], /^shapesweep submit: missing\.yaml: no such file$/],
    [['runs'], /^shapesweep runs: expected SWEEP/],
  ])('%j exits 2 with one line naming the problem', async (args, message) => {
    const { code, io } = await cli(args);
    expect(code).toBe(EXIT.usage);
    expect(oneLine(io)).toMatch(message);
  });

  it('exits 2 for a spec the API rejects, with the field and the value', async () => {
    const file = writeSpec('bad.yaml', 'name: bad\nvocab: 512\ncells:\n  names: [tiny, enormous]\n');
    const { code, io } = await cli(['submit', file]);
    expect(code).toBe(EXIT.usage);
    expect(oneLine(io)).toMatch(/^shapesweep submit: .*enormous/);
  });

  it('exits 3 when nothing listens at the API address', async () => {
    const port = await closedPort();
    const { code, io } = await cli(['status', '--api', `http://127.0.0.1:${port}`]);
    expect(code).toBe(EXIT.unreachable);
    expect(oneLine(io)).toBe(
      `shapesweep status: cannot reach the API at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (start it with \`npm run api\` or point --api / SHAPESWEEP_API at it)`,
    );
  });
});

describe('worker', () => {
  it('runs apps/worker with the flags and exits with its status', async () => {
    // An invalid queue name makes the worker stop at its config check, before it touches Redis or Postgres.
    const { code, io } = await cli(['worker', '--slots', '2'], { TRAIN_QUEUE: 'not a queue name!', PATH: process.env.PATH ?? '' });
    expect(code).toBe(1);
    expect(io.err() + io.out()).toContain('TRAIN_QUEUE');
  });
});
