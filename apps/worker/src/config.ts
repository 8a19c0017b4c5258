// The worker's configuration: WorkerConfigSchema (packages/contract) read from the environment, with the two
// command-line flags `shapesweep worker` passes through (--slots N, --devices 0,1) taking precedence over
// WORKER_SLOTS / WORKER_DEVICES. The only module of the worker that reads process.env.
import { parseEnv, WorkerConfigSchema, type WorkerConfig } from '@shapesweep/contract';

export interface CliOverrides {
  slots?: string;
  devices?: string;
}

/** Parses `--slots N`, `--slots=N`, `--devices 0,1`, `--devices=0,1`; anything else is an error naming it. */
export function parseWorkerArgs(argv: readonly string[]): CliOverrides {
  const out: CliOverrides = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const match = /^--(slots|devices)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`unknown argument ${JSON.stringify(arg)} (usage: worker [--slots N] [--devices 0,1,...])`);
    const key = match[1] as 'slots' | 'devices';
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${key} needs a value`);
    out[key] = value;
  }
  return out;
}

/** Reads the worker configuration (frozen); throws ShapesweepError CONFIG_INVALID naming every bad variable. */
export function loadWorkerConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): Readonly<WorkerConfig> {
  const overrides = parseWorkerArgs(argv);
  return parseEnv(WorkerConfigSchema, {
    ...env,
    ...(overrides.slots === undefined ? {} : { WORKER_SLOTS: overrides.slots }),
    ...(overrides.devices === undefined ? {} : { WORKER_DEVICES: overrides.devices }),
  }, 'worker');
}

/** The environment trainer children inherit (the slot adds CUDA_VISIBLE_DEVICES). */
export function trainerEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
