// `shapesweep worker [--slots N] [--devices 0,1]`: run a training worker of this checkout (apps/worker) in the
// foreground, forwarding its output, Ctrl-C / SIGTERM (it checkpoints and hands its jobs back) and its exit status.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { EXIT, UsageError, defineCommand, intOption } from '../command.js';

/** apps/worker/dist/main.js, found from this file (apps/cli/{src,dist}/commands/worker.{ts,js}). */
export const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

/** The signal named in the abort reason main.ts gives ("received SIGINT"), else SIGTERM. */
function signalOf(reason: unknown): NodeJS.Signals {
  const match = /\b(SIG[A-Z]+)\b/.exec(reason instanceof Error ? reason.message : String(reason));
  return match !== null && match[1] !== undefined && match[1] in constants.signals ? (match[1] as NodeJS.Signals) : 'SIGTERM';
}

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run a training worker here (one slot per core by default) until Ctrl-C',
  usage: '[--slots N] [--devices 0,1] [options]',
  description: [
    'Pulls training jobs from the queue (REDIS_URL, TRAIN_QUEUE) and writes to DATABASE_URL; the other settings are',
    'the WORKER_* variables of .env.example. Ctrl-C: running trainers checkpoint and hand their jobs back.',
  ].join('\n'),
  options: {
    slots: { type: 'string', valueName: 'N', help: 'Concurrent training slots (default one per GPU in --devices, else per CPU core)' },
    devices: { type: 'string', valueName: 'LIST', help: 'Comma-separated GPU indices, one slot each, e.g. 0,1 (default none)' },
  },
  async run({ values, io }) {
    const args: string[] = [];
    if (values.slots !== undefined) args.push('--slots', String(intOption('slots', values.slots, 1, 1, 1024)));
    if (values.devices !== undefined) {
      if (!/^\d+(,\d+)*$/.test(values.devices)) throw new UsageError(`--devices: expected comma-separated GPU indices like 0,1, got ${JSON.stringify(values.devices)}`);
      args.push('--devices', values.devices);
    }
    if (!existsSync(WORKER_MAIN)) throw new UsageError(`${WORKER_MAIN} is missing: build first (npm run build)`);
    const child = spawn(process.execPath, [WORKER_MAIN, ...args], { cwd: io.cwd, env: { ...io.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (text: string) => io.stdout(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => io.stderr(text));
    const forward = (): void => {
      child.kill(signalOf(io.signal?.reason));
    };
    io.signal?.addEventListener('abort', forward, { once: true });
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
          // A worker killed by a signal exits like a shell reports it: 128 + the signal number.
          resolve(code ?? (signal === null ? EXIT.failure : 128 + (constants.signals[signal] ?? 0)));
        });
      });
    } finally {
      io.signal?.removeEventListener('abort', forward);
    }
  },
});
