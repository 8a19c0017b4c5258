// Entry point of the `shapesweep` binary: bind the CLI to this process and set the exit status.
import { runCli } from './cli.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  fetch: globalThis.fetch,
  signal: controller.signal,
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns ?? 100,
});
