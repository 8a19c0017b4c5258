// `shapesweep plan SPEC`: expand a sweep spec (YAML or JSON) offline into its cells, costs, totals and warnings —
// exactly the plan POST /v1/sweeps would store and queue.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { parseSweepSpec, planSweep, type PlannedCell, type SweepSpec } from '@shapesweep/contract';
import { formatSi, formatWidthScale } from '@shapesweep/shapes';
import { EXIT, UsageError, defineCommand } from '../command.js';
import { renderTable } from '../table.js';

/** Parse spec text: JSON for .json files, YAML otherwise (YAML is a superset of JSON). */
export function parseSpecText(text: string, fileName: string): unknown {
  if (extname(fileName).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new UsageError(`${fileName}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const [first] = doc.errors;
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const where = ` at line ${line}, column ${col}`;
    throw new UsageError(`${fileName}: not valid YAML${where}: ${first.message.split('\n')[0] ?? ''}`);
  }
  return doc.toJS() as unknown;
}

/** Load and validate a sweep spec file; UsageError / SWEEP_SPEC_INVALID (both exit 2) on problems. */
export async function loadSweepSpec(path: string, cwd: string): Promise<SweepSpec> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}`);
  }
  return parseSweepSpec(parseSpecText(text, path));
}

export const planCommand = defineCommand({
  name: 'plan',
  summary: 'Expand a sweep spec (YAML or JSON) into cells with their cost, offline',
  usage: 'SPEC.(yaml|json) [options]',
  description: 'Prints every cell (shape, parameters, FLOPs, seed), the totals and the warnings: duplicates removed,\ncells dropped by the budget, DeepNarrow widths without a match. See examples/ for specs.',
  options: {
    json: { type: 'boolean', help: 'Print the plan as JSON ({ name, cells, totals, warnings, dropped, training })' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [path = ''] = positionals;
    const spec = await loadSweepSpec(path, io.cwd);
    const plan = planSweep(spec);
    if (values.json === true) {
      io.stdout(`${JSON.stringify({ name: spec.name, ...plan }, null, 2)}\n`);
      return EXIT.ok;
    }
    const { pretrain, finetune } = plan.training;
    const lines = [
      `sweep "${spec.name}"${spec.description === undefined ? '' : `: ${spec.description.trim().split('\n')[0] ?? ''}`}`,
      `vocab ${spec.vocab}; width scales ${spec.widthScales.map(formatWidthScale).join(', ')}; seeds ${spec.seeds.join(', ')}`,
      `pretrain ${pretrain.steps} steps x ${pretrain.batchSize} x ${pretrain.inputLength}/${pretrain.targetLength} tokens; ` +
        `finetune ${finetune.steps} steps x ${finetune.batchSize} x ${finetune.inputLength} tokens on ${finetune.tasks.length === 0 ? 'no tasks' : finetune.tasks.join(', ')}`,
      '',
    ];
    const int = (header: string, value: (c: PlannedCell) => number) => ({ header, numeric: true, value: (c: PlannedCell) => String(value(c)) });
    const table = renderTable(plan.cells, [
      { header: 'name', value: (c) => c.name },
      { header: 'family', value: (c) => c.family },
      { header: 'reference', value: (c) => c.referenceName ?? '-' },
      int('seed', (c) => c.seed),
      int('EL', (c) => c.shape.el), int('DL', (c) => c.shape.dl), int('DM', (c) => c.shape.dm),
      int('FF', (c) => c.shape.ff), int('NH', (c) => c.shape.nh), int('KV', (c) => c.shape.kv),
      { header: 'params', numeric: true, value: (c) => formatSi(c.params, 2) },
      { header: 'non-emb', numeric: true, value: (c) => formatSi(c.nonEmbeddingParams, 2) },
      { header: 'fwd FLOPs/ex', numeric: true, value: (c) => formatSi(c.flopsPerExample, 2) },
      { header: 'train FLOPs', numeric: true, value: (c) => formatSi(c.plannedTrainFlops, 2) },
      { header: 'cellKey', value: (c) => c.cellKey },
    ]);
    const totals = `totals: ${plan.totals.cells} cells, ${formatSi(plan.totals.params, 2)} params, ${formatSi(plan.totals.plannedTrainFlops, 2)} planned training FLOPs`;
    const warnings = plan.warnings.length === 0 ? [] : ['', `warnings (${plan.warnings.length}):`, ...plan.warnings.map((w) => `  - ${w}`)];
    io.stdout(`${lines.join('\n')}\n${table}\n${[totals, ...warnings].join('\n')}\n`);
    return EXIT.ok;
  },
});
