// The real api as a child process (`node apps/api/dist/main.js`), on its own Postgres schema, BullMQ queue name,
// port and admin token file, for the CLI's integration tests. The CLI talks to it over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createTestDatabase, type TestDatabase } from '@shapesweep/db/testing';
import { REPO_ROOT } from './memoryIo.js';

export const API_MAIN = path.join(REPO_ROOT, 'apps/api/dist/main.js');

export interface ApiProcess {
  db: TestDatabase;
  queueName: string;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Folder holding the admin token file (also HOME for the CLI under test). */
  home: string;
  tokenFile: string;
  adminToken(): string;
  /** Environment for runCli: points at this api and its token file, nothing from the real HOME. */
  cliEnv(): Record<string, string>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port (after stop()). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function startChild(env: Record<string, string>, timeoutMs: number): Promise<{ child: ChildProcess; port: number; log: () => string }> {
  const child = spawn(process.execPath, [API_MAIN], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (log += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (log += text));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`api did not listen within ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
    const onData = (): void => {
      // Fastify logs "Server listening at http://127.0.0.1:PORT" once the socket is bound.
      const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`api exited with ${code} before listening:\n${log.slice(-2000)}`));
    });
  });
  return { child, port, log: () => log };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startApiProcess(options: { timeoutMs?: number } = {}): Promise<ApiProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const db = await createTestDatabase();
  const queueName = `test-${randomUUID()}`;
  const home = mkdtempSync(path.join(tmpdir(), 'shapesweep-cli-'));
  const tokenFile = path.join(home, '.shapesweep', 'token');
  const env = (port: number): Record<string, string> => ({
    DATABASE_URL: db.url,
    TRAIN_QUEUE: queueName,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    ADMIN_TOKEN_FILE: tokenFile,
    LOG_LEVEL: 'info',
    // Tests submit, cancel and retry in quick succession.
    RATE_LIMIT_PER_MINUTE: '10000',
    HOME: home,
  });
  let started = await startChild(env(0), timeoutMs);
  const port = started.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    db,
    queueName,
    url,
    port,
    home,
    tokenFile,
    adminToken: () => readFileSync(tokenFile, 'utf8').trim(),
    cliEnv: () => ({ SHAPESWEEP_API: url, SHAPESWEEP_TOKEN_FILE: tokenFile, HOME: home }),
    stop: () => stopChild(started.child),
    async restart() {
      started = await startChild(env(port), timeoutMs);
    },
    async close() {
      await stopChild(started.child);
      const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: 6379 } });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await db.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Results a seeded run finishes with. */
export interface FinishedRun {
  negLogPerplexity: number;
  scores: Record<string, number>;
  wallSeconds: number;
  tokensPerSecond: number;
}

/**
 * Finish a run the way a worker does (summary columns, downstream scores, SUCCEEDED, a run.completed event), directly
 * in Postgres: the CLI's read commands are tested on known numbers without training anything.
 */
export async function finishRun(db: TestDatabase, runId: string, result: FinishedRun): Promise<void> {
  const values = Object.values(result.scores);
  const downstreamMean = values.reduce((a, b) => a + b, 0) / values.length;
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ sweep_id: string }>(
      `UPDATE run SET status = 'SUCCEEDED', step = total_steps, phase = 'finetune', neg_log_perplexity = $2::float8, eval_loss = -($2::float8),
              downstream_mean = $3, wall_seconds = $4, tokens_per_second = $5, train_flops_spent = planned_train_flops,
              started_at = now() - interval '1 minute', finished_at = now(), updated_at = now()
        WHERE id = $1 RETURNING sweep_id`,
      [runId, result.negLogPerplexity, downstreamMean, result.wallSeconds, result.tokensPerSecond],
    );
    const sweepId = rows[0]?.sweep_id;
    if (sweepId === undefined) throw new Error(`no run ${runId}`);
    for (const [task, value] of Object.entries(result.scores)) {
      await client.query(`INSERT INTO downstream_score (run_id, task, metric, value, step) VALUES ($1, $2, 'accuracy', $3, 10)`, [runId, task, value]);
    }
    await client.query(`INSERT INTO run_event (sweep_id, run_id, type, data) VALUES ($1, $2, 'run.completed', $3::jsonb)`, [
      sweepId, runId, JSON.stringify({ negLogPerplexity: result.negLogPerplexity, downstreamMean, tokensPerSecond: result.tokensPerSecond }),
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A worker's events for a run, written straight into the event log (what the SSE stream serves). */
export async function writeRunEvent(db: TestDatabase, sweepId: string, runId: string, type: string, data: Record<string, unknown>, status?: string): Promise<void> {
  if (status !== undefined) {
    await db.pool.query(`UPDATE run SET status = $2::run_status, error = $3, error_code = $4, updated_at = now() WHERE id = $1`, [
      runId, status, status === 'FAILED' ? String(data.message ?? 'failed') : null, status === 'FAILED' ? String(data.code ?? 'INTERNAL') : null,
    ]);
  }
  await db.pool.query(`INSERT INTO run_event (sweep_id, run_id, type, data) VALUES ($1, $2, $3, $4::jsonb)`, [sweepId, runId, type, JSON.stringify(data)]);
}

/** A local port nothing listens on (bound and released at once). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
