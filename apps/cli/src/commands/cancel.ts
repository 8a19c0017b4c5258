// `shapesweep cancel SWEEP`: remove the sweep's waiting jobs and tell running ones to stop at their next step.
import { API_OPTIONS, apiClient } from '../api-client.js';
import { EXIT, defineCommand } from '../command.js';
import { sweepPath } from '../watch/watch.js';

export const cancelCommand = defineCommand({
  name: 'cancel',
  summary: 'Cancel a sweep: waiting runs are dropped, running ones stop at their next step',
  usage: 'SWEEP [options]',
  options: { ...API_OPTIONS, json: { type: 'boolean', help: 'Print the API response as JSON' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [id = ''] = positionals;
    const result = await apiClient(values, io).post<{ sweepId: string; cancelled: number; stopping: number; warnings: string[] }>(`${sweepPath(id)}/cancel`);
    if (values.json === true) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(`sweep ${result.sweepId}: ${result.cancelled} waiting runs cancelled, ${result.stopping} running runs told to stop\n${result.warnings.map((w) => `warning: ${w}\n`).join('')}`);
    return EXIT.ok;
  },
});
