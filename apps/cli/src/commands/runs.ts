// `shapesweep runs SWEEP`: every run of a sweep with its shape, cost, status and results.
import { RUN_STATUSES } from '@shapesweep/contract';
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { RunSummary } from '../api-types.js';
import { EXIT, UsageError, defineCommand } from '../command.js';
import { fixed, si } from '../render/format.js';
import { renderTable } from '../table.js';
import { sweepPath } from '../watch/watch.js';


export const runsCommand = defineCommand({
  name: 'runs',
  summary: "List a sweep's runs: shape, cost, status, progress, results",
  usage: 'SWEEP [options]',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    status: { type: 'string', valueName: 'STATUS', help: `Only runs in this status (${RUN_STATUSES.join(', ')}; default all)` },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [id = ''] = positionals;
    const status = values.status?.toUpperCase();
    if (status !== undefined && !(RUN_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status: expected one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(values.status)}`);
    }
    const runs = await apiClient(values, io).all<RunSummary>(`${sweepPath(id)}/runs`, 'runs', { status }, 1000);
    if (values.json === true) {
      io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
      return EXIT.ok;
    }
    if (runs.length === 0) {
      io.stdout(`no runs${status === undefined ? '' : ` with status ${status}`} in sweep ${id}\n`);
      return EXIT.ok;
    }
    io.stdout(renderTable(runs, [
      { header: 'run', value: (r) => r.id },
      { header: 'name', value: (r) => r.name },
      { header: 'family', value: (r) => r.family },
      { header: 'seed', numeric: true, value: (r) => String(r.seed) },
      { header: 'params', numeric: true, value: (r) => si(r.cost.params) },
      { header: 'train FLOPs', numeric: true, value: (r) => si(r.cost.trainFlopsSpent ?? r.cost.plannedTrainFlops) },
      { header: 'status', value: (r) => r.status },
      { header: 'step', numeric: true, value: (r) => (r.progress.totalSteps > 0 ? `${r.progress.step}/${r.progress.totalSteps}` : '-') },
      { header: 'tok/s', numeric: true, value: (r) => si(r.progress.tokensPerSecond, 1) },
      { header: 'upstream', numeric: true, value: (r) => fixed(r.quality.negLogPerplexity) },
      { header: 'downstream', numeric: true, value: (r) => fixed(r.quality.downstreamMean) },
      { header: 'worker', value: (r) => r.workerId ?? '-' },
      { header: 'error', value: (r) => (r.error === null ? '' : `${r.error.code ?? ''} ${r.error.message}`.trim().slice(0, 60)) },
    ]));
    return EXIT.ok;
  },
});
