// `shapesweep frontier`: the Pareto-optimal finished runs on a cost axis against a quality axis.
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { FrontierResponse } from '../api-types.js';
import { EXIT, UsageError, defineCommand } from '../command.js';
import { quantityOption } from '../numbers.js';
import { fixed, si } from '../render/format.js';
import { renderTable } from '../table.js';
import { TASKS } from './results.js';

const X_AXES = ['params', 'flops', 'wallSeconds'];
const Y_AXES = ['downstream', 'upstream', ...TASKS];

export const frontierCommand = defineCommand({
  name: 'frontier',
  summary: 'Pareto frontier of finished runs: cheapest on --x for the best --y',
  usage: '[options]',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    x: { type: 'string', valueName: 'AXIS', help: `Cost axis: ${X_AXES.join(', ')} (default params)` },
    y: { type: 'string', valueName: 'AXIS', help: `Quality axis: ${Y_AXES.join(', ')} (default downstream)` },
    sweep: { type: 'string', valueName: 'SWEEP', help: 'Only runs of this sweep' },
    'max-params': { type: 'string', valueName: 'N', help: 'Only runs with at most N parameters (1e9, 60M, 1.2B)' },
    'max-flops': { type: 'string', valueName: 'F', help: 'Only runs that spent at most F training FLOPs' },
  },
  async run({ values, io }) {
    const x = values.x ?? 'params';
    const y = values.y ?? 'downstream';
    if (!X_AXES.includes(x)) throw new UsageError(`--x: expected one of ${X_AXES.join(', ')}, got ${JSON.stringify(x)}`);
    if (!Y_AXES.includes(y)) throw new UsageError(`--y: expected one of ${Y_AXES.join(', ')}, got ${JSON.stringify(y)}`);
    const response = await apiClient(values, io).get<FrontierResponse>('/v1/frontier', {
      x,
      y,
      sweep: values.sweep,
      maxParams: quantityOption('max-params', values['max-params']),
      maxFlops: quantityOption('max-flops', values['max-flops']),
    });
    if (values.json === true) {
      io.stdout(`${JSON.stringify(response, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(`${response.frontier.length} of ${response.candidates} finished runs are Pareto-optimal on ${x} x ${y}\n`);
    if (response.frontier.length === 0) return EXIT.ok;
    io.stdout(renderTable(response.frontier, [
      { header: 'name', value: (p) => p.run.name },
      { header: 'family', value: (p) => p.run.family },
      { header: x, numeric: true, value: (p) => (x === 'wallSeconds' ? `${p.x.toFixed(1)}s` : si(p.x)) },
      { header: y, numeric: true, value: (p) => fixed(p.y) },
      { header: 'run', value: (p) => p.run.id },
    ]));
    return EXIT.ok;
  },
});
