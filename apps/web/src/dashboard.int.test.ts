// The dashboard in a real browser against the real api: Debian's Chromium driven by playwright-core, the api started
// from its build (`node apps/api/dist/main.js`) on a fresh Postgres schema and its own queue name, and a small
// finished sweep seeded straight into the database. Checks what a person would look at (every plot shows one point
// or line per run, the frontier is drawn, DeepNarrow is marked) and that live status arrives over SSE while the page
// is open. Screenshots go to test-results/ at the repository root.
//
// Nothing is built here: `npm test` builds first (apps/web/dist, apps/api/dist).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@shapesweep/db/testing';
import { API_MAIN, CHROMIUM, CHROMIUM_ARGS, removeQueueKeys, REPO_ROOT as ROOT, startApi, WEB_DIST, type ApiProcess } from './test-support/api-process.js';
import { completeLiveRun, FINISHED_CELLS, progressLiveRun, seedSweep, startLiveRun, TASKS, TOTAL_STEPS, type SeededSweep } from './test-support/seed.js';

const SCREENSHOTS = path.join(ROOT, 'test-results');
/** Waits for the page to show something, in ms (SSE polls every 300 ms; result refreshes are coalesced over 1.5 s). */
const UI_WAIT_MS = 15_000;

/** The number in a stat tile (e.g. "Running"). */
async function stat(page: Page, key: string): Promise<string> {
  return (await page.locator(`[data-stat="${key}"] .stat-value`).innerText()).trim();
}

describe('dashboard in Chromium against the real api', () => {
  let db: TestDatabase;
  let seeded: SeededSweep;
  let api: ApiProcess | undefined;
  let browser: Browser | undefined;
  const queue = `test-${randomUUID()}`;
  const tokenDir = path.join(os.tmpdir(), `shapesweep-web-${queue}`);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH`);
    }
    for (const [file, what] of [[API_MAIN, 'the api'], [path.join(WEB_DIST, 'index.html'), 'the dashboard']] as const) {
      if (!existsSync(file)) throw new Error(`${what} is not built (${path.relative(ROOT, file)} is missing): run \`npx turbo run build\` or \`npm test\`, which builds first`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = await createTestDatabase();
    seeded = await seedSweep(db);
    // Both start at once; whichever started is kept for afterAll even when the other failed.
    const [apiStart, browserStart] = await Promise.allSettled([
      startApi({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379', TRAIN_QUEUE: queue, ADMIN_TOKEN_FILE: path.join(tokenDir, 'token') }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }),
    ]);
    if (apiStart.status === 'fulfilled') api = apiStart.value;
    if (browserStart.status === 'fulfilled') browser = browserStart.value;
    if (apiStart.status === 'rejected') throw apiStart.reason;
    if (browserStart.status === 'rejected') throw new Error(`Chromium at ${CHROMIUM} did not start: ${String(browserStart.reason)}`);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await db?.drop();
    await removeQueueKeys(queue);
    rmSync(tokenDir, { recursive: true, force: true });
  });

  /** Finished runs in the database now (the live test adds one), optionally under a parameter cap. */
  async function succeededRuns(maxParams = Number.MAX_SAFE_INTEGER): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM run WHERE status = 'SUCCEEDED' AND params <= $1`, [maxParams]);
    return rows[0]!.n;
  }

  async function openPage(hash: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`${api!.url}/${hash}`);
    await page.locator('.page[data-ready="true"]').waitFor({ timeout: UI_WAIT_MS });
    return page;
  }

  it('lists the seeded sweep with its runs per status', async () => {
    const page = await openPage('#/');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-sweeps.png') });
    const row = page.locator(`tr[data-sweep-id="${seeded.sweepId}"]`);
    await expect(row.locator('a.strong').innerText()).resolves.toBe(seeded.sweepName);
    await expect(row.locator('[data-status="SUCCEEDED"]').innerText()).resolves.toBe(`${FINISHED_CELLS.length} succeeded`);
    await expect(row.locator('[data-status="QUEUED"]').innerText()).resolves.toBe('1 queued');
    await page.close();
  });

  it('draws one point per finished run in every plot, marks DeepNarrow, and follows a run live until it finishes', async () => {
    const page = await openPage(`#/sweeps/${seeded.sweepId}`);
    const n = FINISHED_CELLS.length;
    const deepNarrowId = seeded.finished.find((r) => r.cell.family === 'deepnarrow')!.id;

    for (const key of ['pareto-params', 'pareto-flops', 'pareto-speed', 'upstream-downstream']) {
      const plot = page.locator(`[data-plot="${key}"]`);
      await expect(plot.getAttribute('data-points')).resolves.toBe(String(n));
      await expect(plot.locator('circle[data-run-id]').count()).resolves.toBe(n);
      await expect(plot.locator(`circle[data-run-id="${deepNarrowId}"]`).getAttribute('data-family')).resolves.toBe('deepnarrow');
    }
    // The frontier is drawn on the three Pareto plots: with these scores every finished run but small@w1/16 and
    // base@w1/16 on params (DeepNarrow has fewer params than base and a better score).
    for (const key of ['pareto-params', 'pareto-flops', 'pareto-speed']) {
      await expect(page.locator(`[data-plot="${key}"] path.plot-line`).count()).resolves.toBe(1);
    }
    const frontierParams = await page.locator('[data-plot="pareto-params"] circle[data-frontier="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
    expect(frontierParams).toContain(deepNarrowId);
    expect(frontierParams).not.toContain(seeded.finished.find((r) => r.cell.name === 'base@w1/16')!.id);
    // Upstream ranks base first and DeepNarrow second, downstream the reverse; the rest agree: ρ = 1 − 6·2/(5·24) = 0.9.
    await expect(page.locator('[data-plot="upstream-downstream"]').getAttribute('data-spearman')).resolves.toBe('0.9000');

    // Loss curves: one line per run, for pretraining and for the selected finetuning task.
    for (const key of ['curves-pretrain', 'curves-finetune']) {
      await page.locator(`[data-plot="${key}"][data-series="${n}"]`).waitFor({ timeout: UI_WAIT_MS });
    }
    await expect(page.locator('#fine-task option').allInnerTexts()).resolves.toEqual([...TASKS]);
    await expect(page.locator('#score-table tbody tr').count()).resolves.toBe(n);
    await expect(page.locator('#score-table thead th').allInnerTexts()).resolves.toEqual(expect.arrayContaining(TASKS.map((t) => t.toUpperCase())));

    // Live: the stream is connected before anything changes.
    await page.locator('#live[data-connected="true"]').waitFor({ timeout: UI_WAIT_MS });
    await expect(stat(page, 'running')).resolves.toBe('0');
    const liveRow = page.locator(`#runs-table tr[data-run-id="${seeded.live.id}"]`);
    await expect(liveRow.getAttribute('data-status')).resolves.toBe('QUEUED');

    await startLiveRun(db, seeded);
    await page.locator(`#runs-table tr[data-run-id="${seeded.live.id}"][data-status="RUNNING"]`).waitFor({ timeout: UI_WAIT_MS });
    await page.locator('[data-stat="running"] .stat-value', { hasText: /^1$/ }).waitFor({ timeout: UI_WAIT_MS });
    await expect(liveRow.innerText()).resolves.toContain(seeded.workerId);

    const step = 124;
    await progressLiveRun(db, seeded, step);
    await liveRow.locator(`.progress[data-fraction="${(step / TOTAL_STEPS).toFixed(4)}"]`).waitFor({ timeout: UI_WAIT_MS });
    // The sweep's throughput is the running runs' reported tokens/s (8.2k for the live cell).
    await page.locator('[data-stat="throughput"] .stat-value', { hasText: '8.2k tok/s' }).waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-sweep-live.png'), fullPage: true });

    await completeLiveRun(db, seeded);
    await page.locator(`#runs-table tr[data-run-id="${seeded.live.id}"][data-status="SUCCEEDED"]`).waitFor({ timeout: UI_WAIT_MS });
    await page.locator(`[data-plot="pareto-params"][data-points="${n + 1}"]`).waitFor({ timeout: UI_WAIT_MS });
    await page.locator(`[data-plot="curves-pretrain"][data-series="${n + 1}"]`).waitFor({ timeout: UI_WAIT_MS });
    await expect(stat(page, 'running')).resolves.toBe('0');
    await expect(stat(page, 'succeeded')).resolves.toBe(String(n + 1));
    await expect(page.locator('#score-table tbody tr').count()).resolves.toBe(n + 1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-sweep.png'), fullPage: true });
    await page.close();
  });

  it('shows a run with its curves, scores, checkpoints and the worker it ran on', async () => {
    const run = seeded.finished.find((r) => r.cell.family === 'deepnarrow')!;
    const page = await openPage(`#/runs/${run.id}`);
    await expect(page.locator('h1').innerText()).resolves.toContain(run.cell.name);
    await expect(page.locator('[data-plot="run-pretrain-loss"]').getAttribute('data-series')).resolves.toBe('2');
    await expect(page.locator('[data-plot="run-finetune-loss"]').getAttribute('data-series')).resolves.toBe(String(TASKS.length));
    // 150 train-loss points and 3 eval points: below maxPoints, so nothing is dropped.
    await expect(page.locator('[data-plot="run-pretrain-loss"]').getAttribute('data-points')).resolves.toBe('153');
    await expect(page.locator('#run-scores tbody tr').count()).resolves.toBe(TASKS.length);
    await expect(page.locator('#run-checkpoints tbody tr').count()).resolves.toBe(1 + TASKS.length);
    const execution = await page.locator('#execution').innerText();
    expect(execution).toContain(seeded.workerId);
    expect(execution).toContain(seeded.workerHost);
    expect(execution).toContain('wasm');
    await page.locator('#sweep-link', { hasText: seeded.sweepName }).waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-run.png'), fullPage: true });
    await page.close();
  });

  it('answers "best under 500k parameters" with the best run that fits', async () => {
    const page = await openPage('#/budget');
    await page.locator('input[name="maxParams"]').fill('500k');
    await page.locator('select[name="sweep"]').selectOption(seeded.sweepId);
    await page.locator('#budget-form button[type="submit"]').click();
    await page.locator('#budget-winner').waitFor({ timeout: UI_WAIT_MS });
    // Under 500k: small-nl12 (412k), small (239k), tiny (62k), and mini (124k) once the live test finished it.
    await expect(page.locator('#budget-winner .answer-name').innerText()).resolves.toBe('small-nl12@w1/16');
    await expect(page.locator('#budget-results tbody tr').count()).resolves.toBe(await succeededRuns(500_000));
    expect(page.url()).toContain('maxParams=500k');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-budget.png'), fullPage: true });
    await page.close();
  });

  it('asks for a token when reads need one, then works with it (live stream included)', async () => {
    const secureTokenDir = path.join(tokenDir, 'secure');
    const secure = await startApi({
      DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379', TRAIN_QUEUE: queue, READS_REQUIRE_TOKEN: 'true', ADMIN_TOKEN_FILE: path.join(secureTokenDir, 'token'),
    });
    try {
      const page = await browser!.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`${secure.url}/#/sweeps/${seeded.sweepId}`);
      await page.locator('#token-bar').waitFor({ state: 'visible', timeout: UI_WAIT_MS });
      const token = readFileSync(path.join(secureTokenDir, 'token'), 'utf8').trim();
      await page.locator('#token-input').fill(token);
      await page.locator('#token-form button[type="submit"]').click();
      await page.locator(`[data-plot="pareto-params"][data-points="${await succeededRuns()}"]`).waitFor({ timeout: UI_WAIT_MS });
      await page.locator('#live[data-connected="true"]').waitFor({ timeout: UI_WAIT_MS });
      await expect(page.locator('#token-bar').isHidden()).resolves.toBe(true);
      await expect(page.evaluate(() => localStorage.getItem('shapesweep.token'))).resolves.toBe(token);
      await page.close();
    } finally {
      await secure.stop();
    }
  });
});
