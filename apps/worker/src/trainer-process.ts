// The trainer child: one per running job, forked by the worker with an IPC channel. It only trains; every write to
// Postgres, Redis or the job happens in the parent. It exits when the parent goes away (IPC 'disconnect'), so a
// SIGKILLed worker never leaves an orphan trainer burning a GPU while its job is handed to someone else.
import { isShapesweepError } from '@shapesweep/contract';
import { ChildMessageSchema, ParentMessageSchema, parseMessage, type ChildMessage, type StartMessage } from './ipc.js';
import { loadCellRunner } from './trainer/cell-runner.js';

/** Exit codes the supervisor reads when no 'done'/'failed' message came first. */
export const EXIT_PARENT_GONE = 70;
export const EXIT_PROTOCOL_ERROR = 71;

if (process.send === undefined) {
  process.stderr.write('trainer-process must be started by the worker (child_process.fork with IPC)\n');
  process.exit(EXIT_PROTOCOL_ERROR);
}

let stopRequested = false;
let nextId = 0;
const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.connected || process.send === undefined) {
      reject(new Error('the worker is gone'));
      return;
    }
    process.send(message, undefined, {}, (err) => (err ? reject(err) : resolve()));
  });
}

/** Sends a message that the parent answers with the same id (ack / flushed), and waits for the answer. */
function request(make: (id: number) => ChildMessage): Promise<void> {
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send(make(id)).catch((err: unknown) => {
      waiting.delete(id);
      reject(err as Error);
    });
  });
}

// The parent decides when to stop (IPC 'stop'); a terminal's Ctrl-C reaches the whole process group, so treat
// SIGINT/SIGTERM as a request to stop at the next step boundary instead of dying without a checkpoint.
process.on('SIGINT', () => { stopRequested = true; });
process.on('SIGTERM', () => { stopRequested = true; });
const onParentGone = (): never => process.exit(EXIT_PARENT_GONE);
process.on('disconnect', onParentGone);

process.on('message', (raw: unknown) => {
  const parsed = parseMessage(ParentMessageSchema, raw);
  if (!parsed.ok) {
    process.stderr.write(`trainer: bad message from the worker: ${parsed.reason}\n`);
    process.exit(EXIT_PROTOCOL_ERROR);
  }
  const message = parsed.message;
  switch (message.type) {
    case 'start':
      void train(message);
      break;
    case 'probe':
      void probe(message.backend, message.trainerModule);
      break;
    case 'stop':
      stopRequested = true;
      break;
    case 'ack':
      waiting.get(message.id)?.resolve();
      waiting.delete(message.id);
      break;
    case 'flushed': {
      const entry = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error === undefined) entry?.resolve();
      else entry?.reject(new Error(message.error));
      break;
    }
  }
});

async function probe(backend: StartMessage['backend'], trainerModule: string | undefined): Promise<void> {
  try {
    const runner = await loadCellRunner(trainerModule);
    const chosen = await runner.probeBackend(backend);
    await send({ type: 'ready', backend: chosen.name, reason: chosen.reason });
    await finish(0);
  } catch (err) {
    await reportFailure(err);
  }
}

async function train(start: StartMessage): Promise<void> {
  // Heartbeats run on a timer, so they stop when the event loop is stuck (a hung kernel, a deadlock): exactly what
  // the parent's watchdog should see. Between steps the loop is free because every step awaits onMetrics.
  const heartbeat = setInterval(() => { void send({ type: 'heartbeat' }).catch(() => {}); }, start.heartbeatIntervalMs);
  try {
    const runner = await loadCellRunner(start.trainerModule);
    const chosen = await runner.probeBackend(start.backend);
    await send({ type: 'ready', backend: chosen.name, reason: chosen.reason });
    const outcome = await runner.runCell(
      {
        runId: start.runId,
        shape: start.shape,
        training: start.training,
        seed: start.seed,
        checkpointDir: start.checkpointDir,
        cacheDir: start.cacheDir,
        backend: start.backend,
        beforeCheckpoint: () => request((id) => ({ type: 'flush', id })),
      },
      {
        onMetrics: (points) => (points.length === 0 ? Promise.resolve() : request((id) => ({ type: 'metrics', id, points }))),
        onProgress: (progress) => { void send({ type: 'progress', ...progress }).catch(() => {}); },
        onCheckpoint: (checkpoint) => { void send({ type: 'checkpoint', ...checkpoint }).catch(() => {}); },
        onLog: (message) => { void send({ type: 'log', level: 'info', message }).catch(() => {}); },
        shouldStop: () => stopRequested,
      },
    );
    await send({ type: 'done', outcome });
    clearInterval(heartbeat);
    await finish(0);
  } catch (err) {
    clearInterval(heartbeat);
    await reportFailure(err);
  }
}

async function reportFailure(err: unknown): Promise<void> {
  const error = err instanceof Error ? err : new Error(String(err));
  const message: ChildMessage = isShapesweepError(err)
    ? { type: 'failed', code: err.code, message: err.message, details: [...err.details] }
    : { type: 'failed', message: error.stack ?? error.message, details: [] };
  await send(ChildMessageSchema.parse(message)).catch(() => {});
  await finish(1);
}

/** Lets the last message leave before exiting (process.send is asynchronous). */
async function finish(code: number): Promise<void> {
  process.off('disconnect', onParentGone);
  if (process.connected) process.disconnect();
  process.exitCode = code;
  // tfjs-node keeps thread pools alive; exit explicitly once the channel is closed.
  setImmediate(() => process.exit(code));
}
