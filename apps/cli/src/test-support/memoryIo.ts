// A CliIo that records output, for calling commands in tests without spawning a process.
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../command.js';

/** The repository root (three levels above apps/cli/src/test-support). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface MemoryIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function memoryIo(overrides: Partial<CliIo> = {}): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: {},
    cwd: REPO_ROOT,
    fetch: () => Promise.reject(new Error('no network in unit tests')),
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
