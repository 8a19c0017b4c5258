// `shapesweep report SWEEP [--html FILE]`: the sweep's results table, Pareto frontiers, upstream-vs-downstream rank
// correlation and DeepNarrow comparison; --html also writes the self-contained HTML report with its plots.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderReportHtml } from '@shapesweep/report';
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import { EXIT, defineCommand } from '../command.js';
import { renderReportText } from '../render/report-text.js';
import { loadPretrainCurves, loadSweepReport } from '../sweep-report.js';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'Print a sweep\'s results, frontiers and rank correlations; --html writes the report with plots',
  usage: 'SWEEP [options]',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    html: { type: 'string', valueName: 'FILE', help: 'Also write the self-contained HTML report (tables and SVG plots) to FILE' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [id = ''] = positionals;
    const client = apiClient(values, io);
    const data = await loadSweepReport(client, id);
    if (values.json === true) {
      io.stdout(`${JSON.stringify({ sweep: data.status.sweep, runs: data.records, report: data.report }, null, 2)}\n`);
    } else {
      io.stdout(renderReportText(data));
    }
    if (values.html !== undefined) {
      const file = resolve(io.cwd, values.html);
      const { sweep } = data.status;
      const html = renderReportHtml({
        sweep: { id: sweep.id, name: sweep.name, status: sweep.status, createdAt: sweep.createdAt },
        runs: data.records,
        curves: await loadPretrainCurves(client, data.runs),
        ...(data.report === null ? {} : { report: data.report }),
        generatedAt: new Date().toISOString(),
      });
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, html);
      // Status lines go to stderr so `report --json --html x` still prints pure JSON.
      io.stderr(`wrote ${file}\n`);
    }
    return EXIT.ok;
  },
});
