// `shapesweep watch SWEEP`: live per-run progress bars with ETA until the sweep finishes.
import { API_OPTIONS, apiClient } from '../api-client.js';
import { EXIT, defineCommand, intOption } from '../command.js';
import { watchSweep } from '../watch/watch.js';

/** Exit status of a signal-interrupted command (128 + SIGINT), as shells report Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** Exit status of a finished sweep, and the one line that explains a failure. */
export function sweepOutcome(runs: Iterable<{ name: string; status: string; error: string | null }>): { code: number; message: string | null } {
  const bad = [...runs].filter((r) => r.status === 'FAILED' || r.status === 'CANCELLED');
  if (bad.length === 0) return { code: EXIT.ok, message: null };
  const failed = bad.filter((r) => r.status === 'FAILED');
  const first = failed[0];
  const message =
    `${failed.length} run(s) failed, ${bad.length - failed.length} cancelled` +
    (first === undefined ? '' : `; first failure: ${first.name}: ${first.error ?? 'no message'}`) +
    ' (shapesweep retry SWEEP re-queues them)';
  return { code: EXIT.failure, message };
}

export const watchCommand = defineCommand({
  name: 'watch',
  summary: 'Follow a sweep live: one progress bar per run with ETA, until every run has finished',
  usage: 'SWEEP [options]',
  description: [
    'On a terminal the bars are redrawn in place; otherwise (logs, CI) a line is printed whenever a run starts or',
    'finishes, plus a summary every --interval seconds. Reconnects with Last-Event-ID when the stream drops.',
    'Exit status: 0 when every run succeeded, 1 when any run failed or was cancelled, 130 on Ctrl-C.',
  ].join('\n'),
  options: {
    ...API_OPTIONS,
    interval: { type: 'string', valueName: 'SECONDS', help: 'Summary interval when stdout is not a terminal (default 30)' },
    plain: { type: 'boolean', help: 'Print lines instead of redrawing bars, even on a terminal' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [id = ''] = positionals;
    const intervalSeconds = intOption('interval', values.interval, 30, 1, 3600);
    const result = await watchSweep(apiClient(values, io), id, {
      io,
      tty: io.isTTY === true && values.plain !== true,
      summaryIntervalMs: intervalSeconds * 1000,
    });
    if (result.interrupted) return EXIT_INTERRUPTED;
    const outcome = sweepOutcome(result.state.runs.values());
    if (outcome.message !== null) io.stderr(`shapesweep watch: sweep ${id}: ${outcome.message}\n`);
    return outcome.code;
  },
});
