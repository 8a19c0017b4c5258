// `shapesweep results`: finished runs within a compute budget, best first ("what is the best model under N params?").
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { ResultItem } from '../api-types.js';
import { EXIT, UsageError, defineCommand, intOption } from '../command.js';
import { quantityOption } from '../numbers.js';
import { fixed, si } from '../render/format.js';
import { renderTable } from '../table.js';

export const TASKS = ['sentiment', 'spam', 'genre', 'wic'];

/** The score a run has on a task: accuracy when measured, else its first metric by name (as the API's report). */
export function taskScore(scores: Record<string, Record<string, number>>, task: string): number | null {
  const metrics = scores[task];
  if (metrics === undefined) return null;
  if (metrics.accuracy !== undefined) return metrics.accuracy;
  const first = Object.keys(metrics).sort()[0];
  return first === undefined ? null : (metrics[first] ?? null);
}

export const resultsCommand = defineCommand({
  name: 'results',
  summary: 'Finished runs within a compute budget, best first',
  usage: '[options]',
  description: 'Budgets accept 1e9, 60M, 1.2B, 350k, 2.5T. Ranks by mean downstream score unless --task or --metric upstream.',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    'max-params': { type: 'string', valueName: 'N', help: 'Only runs with at most N parameters' },
    'max-flops': { type: 'string', valueName: 'F', help: 'Only runs that spent at most F training FLOPs' },
    'max-wall-seconds': { type: 'string', valueName: 'S', help: 'Only runs that trained in at most S seconds' },
    task: { type: 'string', valueName: 'TASK', help: `Rank by one task's score (${TASKS.join(', ')})` },
    metric: { type: 'string', valueName: 'M', help: 'downstream (default) or upstream; with --task a score metric (default accuracy)' },
    sweep: { type: 'string', valueName: 'SWEEP', help: 'Only runs of this sweep' },
    limit: { type: 'string', valueName: 'N', help: 'Rows to show (default 20, at most 500)' },
  },
  async run({ values, io }) {
    const query = {
      maxParams: quantityOption('max-params', values['max-params']),
      maxFlops: quantityOption('max-flops', values['max-flops']),
      maxWallSeconds: quantityOption('max-wall-seconds', values['max-wall-seconds']),
      task: values.task,
      metric: values.metric,
      sweep: values.sweep,
      limit: intOption('limit', values.limit, 20, 1, 500),
    };
    if (values.task !== undefined && !TASKS.includes(values.task)) throw new UsageError(`--task: unknown task ${JSON.stringify(values.task)}; tasks are ${TASKS.join(', ')}`);
    const { items } = await apiClient(values, io).get<{ items: ResultItem[] }>('/v1/results', query);
    if (values.json === true) {
      io.stdout(`${JSON.stringify(items, null, 2)}\n`);
      return EXIT.ok;
    }
    if (items.length === 0) {
      io.stdout('no finished run within that budget\n');
      return EXIT.ok;
    }
    const tasks = [...new Set(items.flatMap((i) => Object.keys(i.scores)))].sort();
    const by = values.task ?? (values.metric === 'upstream' ? 'upstream' : 'downstream');
    io.stdout(`ranked by ${by}${values.task !== undefined && values.metric !== undefined ? ` ${values.metric}` : ''}, best first\n` + renderTable(items.map((item, i) => ({ item, rank: i + 1 })), [
      { header: '#', numeric: true, value: (r) => String(r.rank) },
      { header: 'name', value: (r) => r.item.name },
      { header: 'family', value: (r) => r.item.family },
      { header: 'params', numeric: true, value: (r) => si(r.item.cost.params) },
      { header: 'FLOPs', numeric: true, value: (r) => si(r.item.flops) },
      { header: 'wall', numeric: true, value: (r) => (r.item.cost.wallSeconds === null ? '-' : `${Math.round(r.item.cost.wallSeconds)}s`) },
      { header: by, numeric: true, value: (r) => fixed(r.item.value) },
      { header: 'upstream', numeric: true, value: (r) => fixed(r.item.quality.negLogPerplexity) },
      ...tasks.map((task) => ({ header: task, numeric: true, value: (r: { item: ResultItem }) => fixed(taskScore(r.item.scores, task)) })),
      { header: 'mean', numeric: true, value: (r) => fixed(r.item.quality.downstreamMean) },
      { header: 'run', value: (r) => r.item.id },
    ]));
    return EXIT.ok;
  },
});
