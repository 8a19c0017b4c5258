// `shapesweep status [SWEEP]`: the sweeps, newest first, or one sweep's counts, progress and ETA.
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { Sweep, SweepStatus } from '../api-types.js';
import { EXIT, defineCommand, intOption } from '../command.js';
import { duration, percent, si } from '../render/format.js';
import { progressBar } from '../render/progress.js';
import { renderTable } from '../table.js';
import { sweepPath } from '../watch/watch.js';

/** `3 done, 1 running, 2 queued`: the non-zero counts. */
export function countsText(counts: Sweep['counts']): string {
  const order: Array<[keyof Sweep['counts'], string]> = [
    ['SUCCEEDED', 'done'], ['RUNNING', 'running'], ['QUEUED', 'queued'], ['PENDING', 'pending'], ['FAILED', 'failed'], ['CANCELLED', 'cancelled'],
  ];
  const parts = order.filter(([k]) => counts[k] > 0).map(([k, label]) => `${counts[k]} ${label}`);
  return parts.length === 0 ? 'no runs' : parts.join(', ');
}

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'List sweeps, or show one sweep: runs per status, steps done, throughput, ETA',
  usage: '[SWEEP] [options]',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    limit: { type: 'string', valueName: 'N', help: 'Sweeps listed (default 20, at most 200)' },
  },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals, io }) {
    const client = apiClient(values, io);
    const [id] = positionals;
    if (id === undefined) {
      const limit = intOption('limit', values.limit, 20, 1, 200);
      const { sweeps } = await client.get<{ sweeps: Sweep[] }>('/v1/sweeps', { limit });
      if (values.json === true) {
        io.stdout(`${JSON.stringify(sweeps, null, 2)}\n`);
        return EXIT.ok;
      }
      if (sweeps.length === 0) {
        io.stdout('no sweeps yet (submit one with: shapesweep submit examples/deepnarrow-vs-base.yaml)\n');
        return EXIT.ok;
      }
      io.stdout(renderTable(sweeps, [
        { header: 'id', value: (s) => s.id },
        { header: 'name', value: (s) => s.name },
        { header: 'status', value: (s) => s.status },
        { header: 'cells', numeric: true, value: (s) => String(s.cellCount) },
        { header: 'runs', value: (s) => countsText(s.counts) },
        { header: 'created', value: (s) => s.createdAt.replace('T', ' ').slice(0, 19) },
      ]));
      return EXIT.ok;
    }
    const status = await client.get<SweepStatus>(sweepPath(id));
    if (values.json === true) {
      io.stdout(`${JSON.stringify(status, null, 2)}\n`);
      return EXIT.ok;
    }
    const { sweep, progress } = status;
    const lines = [
      `sweep ${sweep.id} "${sweep.name}": ${sweep.status}`,
      `runs: ${countsText(sweep.counts)} (of ${sweep.cellCount})`,
      `progress: [${progressBar(progress.fraction, { width: 30 })}] ${percent(progress.fraction)}  ${progress.stepsDone}/${progress.stepsTotal} steps`,
      `throughput: ${si(progress.tokensPerSecond, 1)} tokens/s, ${progress.stepsPerSecond.toFixed(2)} steps/s; ETA ${duration(progress.etaSeconds)}`,
      `created ${sweep.createdAt}, updated ${sweep.updatedAt}`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
});
