// `shapesweep workers`: the worker fleet as its heartbeats describe it.
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { WorkerInfo } from '../api-types.js';
import { EXIT, defineCommand } from '../command.js';
import { duration } from '../render/format.js';
import { renderTable } from '../table.js';

export const workersCommand = defineCommand({
  name: 'workers',
  summary: 'List workers: host, backend, devices, slots, running runs, last heartbeat',
  usage: '[options]',
  options: { ...API_OPTIONS, ...JSON_OPTION, live: { type: 'boolean', help: 'Only live workers (recent heartbeat)' } },
  async run({ values, io }) {
    const response = await apiClient(values, io).get<{ workers: WorkerInfo[]; liveCount: number }>('/v1/workers', { live: values.live === true ? 'true' : undefined });
    if (values.json === true) {
      io.stdout(`${JSON.stringify(response, null, 2)}\n`);
      return EXIT.ok;
    }
    if (response.workers.length === 0) {
      io.stdout('no workers (start one with: shapesweep worker)\n');
      return EXIT.ok;
    }
    io.stdout(renderTable(response.workers, [
      { header: 'id', value: (w) => w.id },
      { header: 'host', value: (w) => w.host },
      { header: 'pid', numeric: true, value: (w) => String(w.pid) },
      { header: 'backend', value: (w) => w.backend },
      { header: 'devices', value: (w) => (w.devices.length === 0 ? '-' : w.devices.join(',')) },
      { header: 'slots', numeric: true, value: (w) => String(w.slots) },
      { header: 'running', numeric: true, value: (w) => String(w.runningRuns) },
      { header: 'status', value: (w) => (w.live ? w.status : `${w.status} (not live)`) },
      { header: 'last seen', numeric: true, value: (w) => `${duration(w.lastSeenSecondsAgo)} ago` },
    ]) + `${response.liveCount} live\n`);
    return EXIT.ok;
  },
});
