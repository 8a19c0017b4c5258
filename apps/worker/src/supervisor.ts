// Supervises one trainer child: forks it on the slot's device, answers its IPC requests through the handlers (the
// parent owns all I/O), watches its heartbeat, and turns however it ends into one TrainerExit value.
import { fork, type ChildProcess } from 'node:child_process';
import { ChildMessageSchema, parseMessage, type CellResult, type CheckpointReportMessage, type MetricPointMessage, type ParentMessage, type ProgressMessage, type StartMessage } from './ipc.js';

export interface TrainerHandlers {
  onReady(backend: string, reason: string): void;
  /** Resolves when the points are safely buffered; the trainer waits for it (backpressure). */
  onMetrics(points: MetricPointMessage[]): Promise<void>;
  /** Resolves when every point received so far is in Postgres (called before each checkpoint is written). */
  onFlush(): Promise<void>;
  onProgress(progress: Omit<ProgressMessage, 'type'>): void;
  onCheckpoint(checkpoint: CheckpointReportMessage): void;
  onLog(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export type TrainerExit =
  | { kind: 'completed'; result: CellResult }
  | { kind: 'stopped'; step: number }
  /** The trainer reported an error (code from the catalogue when it was a ShapesweepError). */
  | { kind: 'failed'; code: string | undefined; message: string; details: string[] }
  /** It exited or was killed without saying why (OOM killer, segfault, SIGKILL). */
  | { kind: 'crashed'; message: string }
  /** No heartbeat within the timeout: killed. */
  | { kind: 'hung'; message: string };

export interface TrainerOptions {
  /** dist/trainer-process.js */
  script: string;
  /** Complete environment of the child (the worker's plus the slot's CUDA_VISIBLE_DEVICES). */
  env: NodeJS.ProcessEnv;
  heartbeatTimeoutMs: number;
}

/** One trainer child for one job (or one backend probe). */
export class TrainerProcess {
  readonly #options: TrainerOptions;
  #child: ChildProcess | undefined;
  #settled = false;

  constructor(options: TrainerOptions) {
    this.#options = options;
  }

  /** Starts training and resolves with how it ended; never rejects. */
  run(start: StartMessage, handlers: TrainerHandlers): Promise<TrainerExit> {
    return this.#spawn(start, handlers);
  }

  /** Asks the trainer to stop at the next step boundary (it checkpoints first when training). */
  stop(reason: 'cancel' | 'shutdown'): void {
    this.#send({ type: 'stop', reason });
  }

  /** Kills the child now (shutdown timeout, hung trainer). */
  kill(): void {
    if (this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #send(message: ParentMessage): void {
    const child = this.#child;
    if (child === undefined || !child.connected) return;
    // The channel may close between the check and the send (the child is exiting); that is not an error here.
    child.send(message, (err) => { if (err) return; });
  }

  #spawn(first: ParentMessage, handlers: TrainerHandlers): Promise<TrainerExit> {
    return new Promise<TrainerExit>((resolve) => {
      const child = fork(this.#options.script, [], {
        env: this.#options.env,
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.#child = child;
      let outcome: TrainerExit | undefined;
      let lastSeenAt = Date.now();
      const settle = (exit: TrainerExit): void => {
        if (this.#settled) return;
        this.#settled = true;
        clearInterval(watchdog);
        resolve(exit);
      };
      const watchdog = setInterval(() => {
        if (Date.now() - lastSeenAt > this.#options.heartbeatTimeoutMs && outcome === undefined) {
          outcome = { kind: 'hung', message: `trainer pid ${child.pid} sent no heartbeat for ${this.#options.heartbeatTimeoutMs} ms; killed` };
          this.kill();
        }
      }, Math.min(1_000, Math.max(50, this.#options.heartbeatTimeoutMs / 4)));

      child.on('message', (raw: unknown) => {
        lastSeenAt = Date.now();
        const parsed = parseMessage(ChildMessageSchema, raw);
        if (!parsed.ok) {
          outcome ??= { kind: 'failed', code: 'INTERNAL', message: `trainer sent a bad message: ${parsed.reason}`, details: [parsed.reason] };
          this.kill();
          return;
        }
        const message = parsed.message;
        switch (message.type) {
          case 'heartbeat':
            break;
          case 'ready':
            handlers.onReady(message.backend, message.reason);
            break;
          case 'metrics':
            handlers.onMetrics(message.points).then(
              () => this.#send({ type: 'ack', id: message.id }),
              (err: unknown) => {
                // Buffering only fails when the ingest is closed (shutdown): stop the trainer, keep nothing half-done.
                handlers.onLog('error', `metric batch rejected: ${(err as Error).message}`);
                this.kill();
              },
            );
            break;
          case 'flush':
            handlers.onFlush().then(
              () => this.#send({ type: 'flushed', id: message.id }),
              (err: unknown) => this.#send({ type: 'flushed', id: message.id, error: (err as Error).message }),
            );
            break;
          case 'progress': {
            const { type: _type, ...progress } = message;
            handlers.onProgress(progress);
            break;
          }
          case 'checkpoint': {
            const { type: _type, ...checkpoint } = message;
            handlers.onCheckpoint(checkpoint);
            break;
          }
          case 'log':
            handlers.onLog(message.level, message.message);
            break;
          case 'done':
            outcome ??= message.outcome.status === 'completed'
              ? { kind: 'completed', result: message.outcome.result }
              : { kind: 'stopped', step: message.outcome.step };
            break;
          case 'failed':
            outcome ??= { kind: 'failed', code: message.code, message: message.message, details: message.details };
            break;
        }
      });
      child.on('error', (err) => {
        outcome ??= { kind: 'crashed', message: `trainer process error: ${err.message}` };
      });
      child.on('exit', (code, signal) => {
        settle(outcome ?? { kind: 'crashed', message: `trainer pid ${child.pid} exited with ${signal ?? `code ${code}`} before reporting a result` });
      });
      this.#send(first);
    });
  }

  /**
   * Runs the trainer module's backend probe in a throw-away child (the worker itself never loads tfjs) and returns
   * the backend it chose; throws with the trainer's message when it cannot load one.
   */
  async probe(backend: StartMessage['backend'], trainerModule: string | undefined): Promise<{ backend: string; reason: string }> {
    let chosen: { backend: string; reason: string } | undefined;
    const exit = await this.#spawn(
      { type: 'probe', ...(backend === undefined ? {} : { backend }), ...(trainerModule === undefined ? {} : { trainerModule }) },
      {
        onReady: (name, reason) => { chosen = { backend: name, reason }; },
        onMetrics: () => Promise.resolve(),
        onFlush: () => Promise.resolve(),
        onProgress: () => {},
        onCheckpoint: () => {},
        onLog: () => {},
      },
    );
    if (chosen !== undefined) return chosen;
    throw new Error(exit.kind === 'failed' || exit.kind === 'crashed' || exit.kind === 'hung' ? exit.message : 'backend probe ended without an answer');
  }
}
