// `shapesweep retry SWEEP`: queue the failed, cancelled and lost cells of a sweep again (finished ones stay done).
import { API_OPTIONS, apiClient } from '../api-client.js';
import { EXIT, defineCommand } from '../command.js';
import { sweepPath } from '../watch/watch.js';

export interface RetryResponse {
  sweepId: string;
  reset: number;
  enqueued: number;
  pending: number;
  busy: number;
  warnings: string[];
}

export const retryCommand = defineCommand({
  name: 'retry',
  summary: 'Re-queue the failed, cancelled and lost runs of a sweep (finished and running ones are kept)',
  usage: 'SWEEP [options]',
  options: { ...API_OPTIONS, json: { type: 'boolean', help: 'Print the API response as JSON' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [id = ''] = positionals;
    const result = await apiClient(values, io).post<RetryResponse>(`${sweepPath(id)}/retry`);
    if (values.json === true) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(
      `sweep ${result.sweepId}: ${result.reset} runs reset, ${result.enqueued} queued` +
        `${result.pending > 0 ? `, ${result.pending} waiting for Redis` : ''}${result.busy > 0 ? `, ${result.busy} still running` : ''}\n` +
        result.warnings.map((w) => `warning: ${w}\n`).join(''),
    );
    return EXIT.ok;
  },
});
