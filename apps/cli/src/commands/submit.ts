// `shapesweep submit SPEC`: validate a sweep spec locally, then POST it to the API (plan, store, enqueue).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSweepSpec } from '@shapesweep/contract';
import { API_OPTIONS, apiClient } from '../api-client.js';
import type { SubmitResponse } from '../api-types.js';
import { EXIT, UsageError, defineCommand } from '../command.js';
import { si } from '../render/format.js';
import { renderTable } from '../table.js';
import { parseSpecText } from './plan.js';

interface DryRunResponse {
  dryRun: true;
  plan: {
    sweepId: string;
    name: string;
    totals: { cells: number; params: number; plannedTrainFlops: number };
    warnings: string[];
    cells: Array<{ runId: string; name: string; family: string; seed: number; params: number; plannedTrainFlops: number }>;
  };
}

export const submitCommand = defineCommand({
  name: 'submit',
  summary: 'Submit a sweep spec (YAML or JSON) to the API: plan, store and queue every cell',
  usage: 'SPEC.(yaml|json) [options]',
  description: [
    'The spec is validated here first (exit 2 naming the field), then by the API. Submitting the same spec again',
    'returns the same sweep and only queues cells that are missing. --dry-run asks the API for the plan and writes nothing.',
  ].join('\n'),
  options: {
    ...API_OPTIONS,
    'idempotency-key': { type: 'string', valueName: 'KEY', help: 'Idempotency-Key header: the same key always returns the same sweep (default none)' },
    'dry-run': { type: 'boolean', help: 'Return the plan without storing or queueing anything' },
    json: { type: 'boolean', help: 'Print the API response as JSON' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [file = ''] = positionals;
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, file), 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}`);
    }
    const document = parseSpecText(text, file);
    // Fail fast with the same message the API would give, without a round trip.
    parseSweepSpec(document);
    const client = apiClient(values, io);
    const key = values['idempotency-key'];
    const headers = key === undefined ? {} : { 'idempotency-key': key };

    if (values['dry-run'] === true) {
      const { plan } = await client.post<DryRunResponse>('/v1/sweeps', document, { query: { dryRun: 'true' }, headers });
      if (values.json === true) {
        io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
        return EXIT.ok;
      }
      const table = renderTable(plan.cells, [
        { header: 'run', value: (c) => c.runId },
        { header: 'name', value: (c) => c.name },
        { header: 'family', value: (c) => c.family },
        { header: 'seed', numeric: true, value: (c) => String(c.seed) },
        { header: 'params', numeric: true, value: (c) => si(c.params) },
        { header: 'train FLOPs', numeric: true, value: (c) => si(c.plannedTrainFlops) },
      ]);
      const warnings = plan.warnings.map((w) => `warning: ${w}\n`).join('');
      io.stdout(`dry run: sweep ${plan.sweepId} "${plan.name}" would have ${plan.totals.cells} cells, ${si(plan.totals.plannedTrainFlops)} training FLOPs (nothing written)\n${table}${warnings}`);
      return EXIT.ok;
    }

    const response = await client.post<SubmitResponse>('/v1/sweeps', document, { headers });
    if (values.json === true) {
      io.stdout(`${JSON.stringify(response, null, 2)}\n`);
      return EXIT.ok;
    }
    const { sweep } = response;
    const what = response.created ? 'submitted' : 'already submitted';
    const queued = response.pending > 0 ? `${response.enqueued} queued now, ${response.pending} waiting for Redis` : `${response.enqueued} queued now`;
    io.stdout(
      `${what}: sweep ${sweep.id} "${sweep.name}", ${sweep.cellCount} cells (${queued})\n` +
        response.warnings.map((w) => `warning: ${w}\n`).join('') +
        `follow it with: shapesweep watch ${sweep.id}\n`,
    );
    return EXIT.ok;
  },
});
