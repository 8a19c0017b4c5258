// The training worker: a BullMQ Worker whose processor supervises one trainer child per job. The parent never
// trains; it owns every piece of I/O (the BullMQ job and its lock, Postgres rows and events, metric ingest), so its
// event loop stays free for lock renewal however heavy training gets.
//
// Outcomes of one job (see README.md for the full table):
//   completed          → scores + summary + SUCCEEDED + run.completed (idempotent), job completes
//   TRAINING_DIVERGED  → FAILED, UnrecoverableError (no retry); other catalogue errors likewise (they are
//                        deterministic: retrying gives the same answer)
//   crashed / hung     → QUEUED again and the job delayed with exponential backoff while Run.attempts <
//                        MAX_RUN_ATTEMPTS; then FAILED
//   cancel             → the trainer stops at the next step boundary → CANCELLED, job completes
//   shutdown (SIGTERM) → the trainer stops at the next step boundary and checkpoints → QUEUED, job moved back to
//                        wait (WaitingError: no attempt is spent); the next worker resumes from the checkpoint
//   worker SIGKILLed   → trainers exit with it (IPC disconnect); the job's lock expires and BullMQ's stalled check
//                        hands it to another worker, which resumes from the newest checkpoint
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MetricIngest, type Database } from '@shapesweep/db';
import { TRAINING_CURVE_METRICS, type TrainJobResult, type WorkerConfig } from '@shapesweep/contract';
import { checkPayload } from './payload.js';
import { detectGpus } from './gpus.js';
import { planSlots, parseDeviceList, SlotPool, type SlotPlan } from './slots.js';
import { createThrottle } from './throttle.js';
import { ACTIVE_STATUSES, RunStore, type RunSnapshot } from './run-store.js';
import { WorkerRegistry } from './registry.js';
import { subscribeControl, type ControlSubscriber } from './control.js';
import { TrainerProcess, type TrainerExit } from './supervisor.js';
import { backoffDelayMs, withRetry, type RetryOptions } from './retry.js';
import type { MetricPointMessage, ProgressMessage, StartMessage } from './ipc.js';

/** What a job returns: the result on success, null when it ended otherwise (cancelled, already finished). */
export type JobReturn = TrainJobResult | null;

export interface TrainingWorkerDeps {
  db: Database;
  logger: Logger;
  /** Base environment of trainer children (the slot adds CUDA_VISIBLE_DEVICES). */
  childEnv: NodeJS.ProcessEnv;
  /** GPU indices on this machine, used when WORKER_DEVICES is unset. @defaultValue nvidia-smi's list */
  detectGpus?: () => Promise<string[]>;
  /** CPU cores. @defaultValue os.availableParallelism() */
  cpuCount?: number;
  /** Built trainer entry point. @defaultValue dist/trainer-process.js next to this file */
  trainerScript?: string;
  /** Host name recorded on the Worker row. @defaultValue os.hostname() */
  hostname?: string;
}

export interface TrainingWorker {
  /** Worker row id: `${host}:${pid}:${random}`. */
  readonly id: string;
  /** Probes the backend, registers, subscribes to cancels and starts taking jobs. */
  start(): Promise<void>;
  /**
   * Graceful stop: no new jobs; running trainers stop at the next step boundary, checkpoint and hand their jobs
   * back; trainers still running after SHUTDOWN_TIMEOUT_MS are killed (their jobs stall and are resumed elsewhere).
   * Every cleanup step runs even when an earlier one fails.
   */
  close(): Promise<void>;
}

interface ActiveRun {
  trainer: TrainerProcess;
  stopReason: 'cancel' | 'shutdown' | undefined;
}

/** Run ids cancelled recently, kept this long (ms) so a job that starts just after its cancel still sees it. */
const CANCEL_MEMORY_MS = 10 * 60_000;
/** Per-step training curves; every other metric is an evaluation and also goes to the event stream (run.metrics). */
const TRAINING_METRICS: ReadonlySet<string> = new Set(TRAINING_CURVE_METRICS);
/** Final writes (completion, failure) keep retrying through a Postgres outage for about this long. */
const FINAL_WRITE_RETRY: RetryOptions = { attempts: 40, baseDelayMs: 250, maxDelayMs: 5_000 };
/** Status reads at job start: a short outage is waited out, a long one fails the attempt (BullMQ retries). */
const READ_RETRY: RetryOptions = { attempts: 12, baseDelayMs: 250, maxDelayMs: 5_000 };

export function createTrainingWorker(config: Readonly<WorkerConfig>, deps: TrainingWorkerDeps): TrainingWorker {
  const log = deps.logger;
  const hostname = deps.hostname ?? os.hostname();
  const id = `${hostname}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const trainerScript = deps.trainerScript ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'trainer-process.js');
  const checkpointDir = path.resolve(config.CHECKPOINT_DIR);
  const cacheDir = path.resolve(config.CACHE_DIR);
  const store = new RunStore(deps.db);
  const ingest = new MetricIngest(deps.db.pool, {
    maxBatchPoints: config.INGEST_BATCH_POINTS,
    flushIntervalMs: config.INGEST_FLUSH_MS,
    maxBufferedPoints: config.INGEST_MAX_BUFFERED_POINTS,
    onRetry: (err, attempt, delayMs) => log.warn({ err: err.message, attempt, delayMs }, 'metric batch not written; retrying'),
    onDropped: (points, reason) => log.warn({ points: points.length, reason }, 'metric points dropped'),
  });
  const active = new Map<string, ActiveRun>();
  const recentlyCancelled = new Map<string, number>();
  const shutdown = new AbortController();

  let slots: SlotPlan[] = [];
  let pool: SlotPool | undefined;
  let registry: WorkerRegistry | undefined;
  let bullWorker: Worker<unknown, JobReturn> | undefined;
  let connection: Redis | undefined;
  let control: ControlSubscriber | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let backend = 'unknown';
  let closing: Promise<void> | undefined;

  const retryLog = (what: string) => (err: unknown, attempt: number, delayMs: number) =>
    log.warn({ err: (err as Error).message, attempt, delayMs }, `${what} failed; retrying`);

  function rememberCancel(runId: string): void {
    const now = Date.now();
    recentlyCancelled.set(runId, now);
    for (const [key, at] of recentlyCancelled) if (now - at > CANCEL_MEMORY_MS) recentlyCancelled.delete(key);
  }

  async function processJob(job: Job<unknown, JobReturn>, token: string | undefined): Promise<JobReturn> {
    const jobLog = log.child({ jobId: job.id });
    const check = checkPayload(job.data, job.id);
    if (!check.ok) {
      // The Run row is found by the job id (= run id); a payload that does not parse cannot be trusted for it.
      if (job.id !== undefined) {
        const run = await withRetry(() => store.get(job.id as string), { ...READ_RETRY, onRetry: retryLog('reading the run') }).catch(() => null);
        if (run !== null) await withRetry(() => store.fail(run, 'JOB_PAYLOAD_INVALID', check.message, check.details), FINAL_WRITE_RETRY).catch(() => false);
      }
      jobLog.error({ details: check.details }, 'invalid job payload; failing without retry');
      throw new UnrecoverableError(check.message);
    }
    const payload = check.payload;
    const run = await withRetry(() => store.get(payload.runId), { ...READ_RETRY, onRetry: retryLog('reading the run') });
    if (run === null) throw new UnrecoverableError(`run ${payload.runId} does not exist (its sweep was deleted?)`);
    if (!ACTIVE_STATUSES.includes(run.status)) {
      jobLog.info({ status: run.status }, 'run already finished; nothing to do (re-delivered job)');
      return null;
    }
    if (recentlyCancelled.has(run.id) || (await withRetry(() => store.cancelRequested(run.id), READ_RETRY))) {
      await withRetry(() => store.cancel(run, null), FINAL_WRITE_RETRY);
      jobLog.info('run was cancelled before it started');
      return null;
    }
    const slot = (pool as SlotPool).acquire();
    try {
      return await train(job, token, run, payload, slot, jobLog);
    } finally {
      (pool as SlotPool).release(slot);
    }
  }

  async function train(job: Job<unknown, JobReturn>, token: string | undefined, run: RunSnapshot, payload: NonNullable<ReturnType<typeof checkPayload> & { ok: true }>['payload'], slot: SlotPlan, jobLog: Logger): Promise<JobReturn> {
    const attempt = await withRetry(() => store.markRunning(run, { workerId: id, backend, device: slot.device }), { ...READ_RETRY, onRetry: retryLog('marking the run RUNNING') });
    if (attempt === null) return null;
    jobLog.info({ runId: run.id, attempt, slot: slot.index, device: slot.device }, 'training');

    const trainer = new TrainerProcess({ script: trainerScript, env: { ...deps.childEnv, ...slot.env }, heartbeatTimeoutMs: config.TRAINER_HEARTBEAT_TIMEOUT_MS });
    const entry: ActiveRun = { trainer, stopReason: undefined };
    active.set(run.id, entry);
    // A cancel or shutdown that arrived between the checks above and now must not be lost.
    if (recentlyCancelled.has(run.id)) entry.stopReason = 'cancel';
    else if (shutdown.signal.aborted) entry.stopReason = 'shutdown';

    const throttle = createThrottle<Omit<ProgressMessage, 'type'>>(config.PROGRESS_INTERVAL_MS);
    let publishing: Promise<void> | undefined;
    const publishProgress = (progress: Omit<ProgressMessage, 'type'>): void => {
      // Skipped while the previous one is still being written (slow Postgres): the newest value wins next time.
      if (publishing !== undefined) return;
      publishing = Promise.all([
        job.updateProgress(progress).catch((err: unknown) => jobLog.warn({ err: (err as Error).message }, 'job progress not updated')),
        store.progress(run, progress, true).catch((err: unknown) => jobLog.warn({ err: (err as Error).message }, 'run progress not written')),
      ]).then(() => { publishing = undefined; });
    };
    let checkpoints: Promise<void> = Promise.resolve();

    const start: StartMessage = {
      type: 'start',
      runId: run.id,
      shape: payload.shape,
      training: payload.training,
      seed: payload.seed,
      checkpointDir,
      cacheDir,
      heartbeatIntervalMs: Math.max(50, Math.min(5_000, Math.floor(config.TRAINER_HEARTBEAT_TIMEOUT_MS / 5))),
      ...(config.SHAPESWEEP_BACKEND === undefined ? {} : { backend: config.SHAPESWEEP_BACKEND }),
      ...(config.TRAINER_MODULE === undefined ? {} : { trainerModule: config.TRAINER_MODULE }),
    };
    const runPromise = trainer.run(start, {
      onReady: (name, reason) => jobLog.debug({ backend: name, reason }, 'trainer ready'),
      onMetrics: async (points: MetricPointMessage[]) => {
        const evals = points.filter((p) => !TRAINING_METRICS.has(p.name));
        if (evals.length > 0) void store.metricsEvent(run, evals).catch((err: unknown) => jobLog.warn({ err: (err as Error).message }, 'run.metrics event not written'));
        await ingest.add(points.map((p) => ({ runId: run.id, ...p })));
      },
      onFlush: () => ingest.flush(),
      onProgress: (progress) => {
        const due = throttle.offer(progress);
        if (due !== undefined) publishProgress(due);
      },
      onCheckpoint: (checkpoint) => {
        checkpoints = checkpoints
          .then(() => withRetry(() => store.checkpoint(run.id, checkpoint), { attempts: 5, onRetry: retryLog('checkpoint row') }))
          .catch((err: unknown) => jobLog.warn({ err: (err as Error).message, ...checkpoint }, 'checkpoint row not written'));
      },
      onLog: (level, message) => jobLog[level]({ runId: run.id }, message),
    });
    if (entry.stopReason !== undefined) trainer.stop(entry.stopReason);
    let exit: TrainerExit;
    try {
      exit = await runPromise;
    } finally {
      active.delete(run.id);
    }
    // Whatever happened, the curve so far goes to Postgres before the run's status changes.
    await ingest.flush();
    await checkpoints;
    await publishing;
    const last = throttle.takePending();
    if (last !== undefined && exit.kind !== 'completed') publishProgress(last);
    await publishing;
    return finishJob(job, token, run, attempt, exit, entry, jobLog);
  }

  async function finishJob(job: Job<unknown, JobReturn>, token: string | undefined, run: RunSnapshot, attempt: number, exit: TrainerExit, entry: ActiveRun, jobLog: Logger): Promise<JobReturn> {
    switch (exit.kind) {
      case 'completed': {
        const changed = await withRetry(() => store.complete(run, exit.result), { ...FINAL_WRITE_RETRY, onRetry: retryLog('storing the result') });
        jobLog.info({ runId: run.id, changed, evalLoss: exit.result.evalLoss, downstreamMean: exit.result.downstreamMean }, 'run succeeded');
        return { runId: run.id, ...exit.result };
      }
      case 'stopped':
        if (entry.stopReason === 'cancel') {
          await withRetry(() => store.cancel(run, exit.step), FINAL_WRITE_RETRY);
          jobLog.info({ runId: run.id, step: exit.step }, 'run cancelled');
          return null;
        }
        return handBack(job, token, run, `stopped at step ${exit.step} for shutdown`, jobLog);
      case 'failed':
        if (exit.code !== undefined && exit.code !== 'INTERNAL') {
          await withRetry(() => store.fail(run, exit.code as string, exit.message, exit.details), FINAL_WRITE_RETRY);
          jobLog.error({ runId: run.id, code: exit.code, err: exit.message }, 'run failed');
          throw new UnrecoverableError(`${exit.code}: ${exit.message}`);
        }
        return retryLater(job, token, run, attempt, exit.message, entry, jobLog);
      case 'crashed':
      case 'hung':
        return retryLater(job, token, run, attempt, exit.message, entry, jobLog);
    }
  }

  /** Hands the job back to the queue without spending an attempt: the next worker resumes from the checkpoint. */
  async function handBack(job: Job<unknown, JobReturn>, token: string | undefined, run: RunSnapshot, reason: string, jobLog: Logger): Promise<never> {
    await withRetry(() => store.requeue(run, reason), { attempts: 3 }).catch((err: unknown) => jobLog.warn({ err: (err as Error).message }, 'run not re-marked QUEUED'));
    await job.moveToWait(token);
    jobLog.info({ runId: run.id, reason }, 'job handed back to the queue');
    throw new WaitingError();
  }

  /** Crashed or hung trainer: retry later (backoff) while attempts remain, else fail the run. */
  async function retryLater(job: Job<unknown, JobReturn>, token: string | undefined, run: RunSnapshot, attempt: number, message: string, entry: ActiveRun, jobLog: Logger): Promise<JobReturn> {
    if (entry.stopReason === 'shutdown' || shutdown.signal.aborted) {
      // Killed at the shutdown deadline: give the job back right away instead of waiting for the stalled check.
      return handBack(job, token, run, `trainer killed at shutdown (${message})`, jobLog);
    }
    if (entry.stopReason === 'cancel') {
      await withRetry(() => store.cancel(run, null), FINAL_WRITE_RETRY);
      return null;
    }
    if (attempt >= config.MAX_RUN_ATTEMPTS) {
      const final = `trainer failed on attempt ${attempt} of ${config.MAX_RUN_ATTEMPTS}: ${message}`;
      await withRetry(() => store.fail(run, 'INTERNAL', final), FINAL_WRITE_RETRY);
      jobLog.error({ runId: run.id, attempt }, final);
      throw new UnrecoverableError(final);
    }
    const delayMs = backoffDelayMs(attempt, config.RETRY_BACKOFF_MS, 10 * 60_000);
    await withRetry(() => store.requeue(run, 'trainer failed; retrying', { code: 'INTERNAL', message }), { attempts: 3 }).catch(() => {});
    await job.moveToDelayed(Date.now() + delayMs, token);
    jobLog.warn({ runId: run.id, attempt, delayMs, err: message }, 'trainer failed; job retried later');
    throw new DelayedError();
  }

  /**
   * A run whose worker died stays RUNNING in Postgres while BullMQ hands its job to someone else. When the job stalled
   * more than MAX_STALLED_COUNT times, BullMQ marks it (`deferredFailure`) and the next worker that fetches it fails
   * it without calling our processor, emitting 'failed' here: nobody else would ever finish the row, so fail it too.
   */
  function failAbandonedRun(job: Job<unknown, JobReturn> | undefined): void {
    if (job?.id === undefined || job.deferredFailure === undefined) return;
    const runId = job.id;
    const reason = `job failed in the queue after its worker died: ${job.deferredFailure}`;
    void withRetry(async () => {
      const run = await store.get(runId);
      if (run !== null && (await store.fail(run, 'INTERNAL', reason))) log.warn({ runId, reason }, 'failed an abandoned run');
    }, FINAL_WRITE_RETRY).catch((err: unknown) => log.warn({ runId, err: (err as Error).message }, 'abandoned run not marked FAILED'));
  }

  async function heartbeat(): Promise<void> {
    if (registry === undefined) return;
    try {
      await registry.heartbeat();
      const lost = await registry.markStale(config.STALE_WORKER_MS);
      if (lost.length > 0) log.warn({ workers: lost }, 'marked stale workers LOST');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'worker heartbeat not written');
    }
  }

  return {
    id,
    async start() {
      const devices = config.WORKER_DEVICES !== undefined
        ? parseDeviceList(config.WORKER_DEVICES)
        : config.SHAPESWEEP_BACKEND === undefined || config.SHAPESWEEP_BACKEND === 'node-gpu'
          ? await (deps.detectGpus ?? detectGpus)()
          : [];
      slots = planSlots({ slots: config.WORKER_SLOTS, devices, cpuCount: deps.cpuCount ?? os.availableParallelism() });
      pool = new SlotPool(slots);
      // The backend is chosen in a throw-away child on the first slot's device: the worker itself never loads tfjs,
      // and a worker whose backend cannot load fails here instead of failing every job it takes.
      const firstSlot = slots[0] as SlotPlan;
      const probed = await new TrainerProcess({ script: trainerScript, env: { ...deps.childEnv, ...firstSlot.env }, heartbeatTimeoutMs: 120_000 })
        .probe(config.SHAPESWEEP_BACKEND, config.TRAINER_MODULE);
      backend = probed.backend;
      log.info({ backend, reason: probed.reason }, 'backend selected');

      registry = new WorkerRegistry(deps.db, { id, host: hostname, pid: process.pid, backend, devices: slots.map((s) => s.device ?? 'cpu'), slots: slots.length });
      await withRetry(() => (registry as WorkerRegistry).register(), { ...READ_RETRY, onRetry: retryLog('registering the worker') });
      heartbeatTimer = setInterval(() => void heartbeat(), config.HEARTBEAT_INTERVAL_MS);

      control = await subscribeControl(
        config.REDIS_URL,
        config.TRAIN_QUEUE,
        (message) => {
          for (const runId of message.runIds) {
            rememberCancel(runId);
            const running = active.get(runId);
            if (running !== undefined) {
              running.stopReason = 'cancel';
              running.trainer.stop('cancel');
              log.info({ runId }, 'cancel requested; trainer stops at the next step');
            }
          }
        },
        (reason) => log.warn({ reason }, 'ignored a malformed control message'),
      );

      // BullMQ needs maxRetriesPerRequest: null on the connection a Worker blocks on.
      connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
      connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
      bullWorker = new Worker<unknown, JobReturn>(config.TRAIN_QUEUE, (job, token) => processJob(job, token), {
        connection,
        concurrency: slots.length,
        autorun: false,
        lockDuration: config.LOCK_DURATION_MS,
        stalledInterval: config.STALLED_INTERVAL_MS,
        maxStalledCount: config.MAX_STALLED_COUNT,
        // Retries of internal moves (e.g. completing a job during a Redis blip), in ms.
        runRetryDelay: 1_000,
      });
      bullWorker.on('error', (err) => log.error({ err: err.message }, 'bullmq worker error'));
      bullWorker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled (its worker died); back to wait'));
      bullWorker.on('failed', (job) => failAbandonedRun(job));
      void bullWorker.run().catch((err: unknown) => log.error({ err: (err as Error).message }, 'bullmq worker stopped'));
      log.info({ id, queue: config.TRAIN_QUEUE, slots: slots.map((s) => s.device ?? 'cpu') }, 'worker started');
    },

    close() {
      closing ??= (async () => {
        shutdown.abort();
        const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
        for (const entry of active.values()) {
          entry.stopReason ??= 'shutdown';
          entry.trainer.stop('shutdown');
        }
        const steps: [string, () => Promise<unknown>][] = [
          ['stop taking jobs and hand running ones back', async () => {
            if (bullWorker === undefined) return;
            // Leave a margin for the writes after the trainers stop (flush, hand-back, Worker row).
            const waitMs = Math.max(0, deadline - Date.now() - Math.min(5_000, config.SHUTDOWN_TIMEOUT_MS / 5));
            const graceful = bullWorker.close();
            const timedOut = await Promise.race([graceful.then(() => false), sleepMs(waitMs).then(() => true)]);
            if (timedOut) {
              log.warn({ running: [...active.keys()] }, 'trainers did not stop in time; killing them');
              for (const entry of active.values()) entry.trainer.kill();
              await Promise.race([graceful, sleepMs(Math.max(0, deadline - Date.now()))]);
            }
          }],
          ['stop the heartbeat', async () => clearInterval(heartbeatTimer)],
          ['unsubscribe from cancels', async () => control?.close()],
          ['flush metric points', async () => Promise.race([ingest.close(), sleepMs(Math.max(0, deadline - Date.now()))])],
          ['mark the worker STOPPED', async () => registry?.markStopped()],
          ['close the redis connection', async () => connection?.quit()],
        ];
        for (const [name, step] of steps) {
          try {
            await step();
          } catch (err) {
            log.warn({ err: (err as Error).message }, `shutdown: ${name} failed`);
          }
        }
      })();
      return closing;
    },
  };
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
