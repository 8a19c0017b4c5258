import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep, type SweepPlan } from '@shapesweep/contract';
import { runCli } from '../cli.js';
import { memoryIo } from '../test-support/memoryIo.js';
import { loadSweepSpec } from './plan.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shapesweep-plan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], cwd?: string) {
  const io = memoryIo(cwd === undefined ? {} : { cwd });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('shapesweep plan', () => {
  it('prints every cell, the totals and the warnings of a YAML spec', async () => {
    await writeFile(join(dir, 'dup.yaml'), [
      'name: dup demo',
      'vocab: 2048',
      'widthScales: ["1/8"]',
      'budget: { maxParams: 2.0e6 }',
      'cells:',
      '  - names: [tiny, small, base]',
      '  - oneKnob: { base: tiny, knob: nl, values: [2, 4] }',
    ].join('\n'));
    const { code, out, err } = await run(['plan', 'dup.yaml'], dir);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('sweep "dup demo"');
    expect(out).toMatch(/\ntiny@w1\/8\s+list\s+-\s+0\s+4\s+4\s+32\s+128\s+4\s+8\s/);
    expect(out).toMatch(/\ntiny-nl2@w1\/8\s+oneknob\s+tiny@w1\/8\s+0\s+2\s+2\s/);
    expect(out).toContain('totals: 3 cells,');
    expect(out).toContain('warnings (2):\n  - dropped base@w1/8 (over budget: params 3.3M > maxParams 2.0M)\n  - removed duplicate tiny-nl4@w1/8 (seed 0): same shape, training and seed as tiny@w1/8\n');
  });

  it('prints the plan as JSON with --json, equal to planSweep on the same spec', async () => {
    const spec = { name: 'json spec', vocab: 1024, cells: { names: ['tiny', 'mini'] }, widthScales: [0.125] };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    const { code, out } = await run(['plan', 'spec.json', '--json'], dir);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as SweepPlan & { name: string };
    expect(printed).toEqual({ name: 'json spec', ...JSON.parse(JSON.stringify(planSweep(parseSweepSpec(spec)))) });
    expect(printed.cells.map((c) => c.name)).toEqual(['tiny@w1/8', 'mini@w1/8']);
  });

  it('exits 2 with one line naming the path of an invalid spec', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'name: bad\ncells:\n  grid: { base: base, knobs: { dm: [512, 768, 100000] } }\nvocab: 12\n');
    const { code, out, err } = await run(['plan', 'bad.yaml'], dir);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('shapesweep plan: invalid sweep spec: cells.grid.knobs.dm[2]: dm must be at most 65536, got 100000; vocab: Too small: expected number to be >=375 (got 12)\n');
  });

  it('exits 2 for a missing file, broken YAML, broken JSON and a missing argument', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'name: [unclosed\n');
    await writeFile(join(dir, 'broken.json'), '{"name": ');
    const cases: Array<[string[], RegExp]> = [
      [['plan', 'nope.yaml'], /^shapesweep plan: nope\.yaml: no such file\n$/],
      [['plan', 'broken.yaml'], /^shapesweep plan: broken\.yaml: not valid YAML at line \d+, column \d+: .+\n$/],
      [['plan', 'broken.json'], /^shapesweep plan: broken\.json: not valid JSON: .+\n$/],
      [['plan'], /^shapesweep plan: expected SPEC\.\(yaml\|json\)/],
    ];
    for (const [argv, expected] of cases) {
      const result = await run(argv, dir);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(expected);
      expect(result.err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('plans every shipped example', async () => {
    for (const file of ['examples/cpu-demo-tiny.yaml', 'examples/deepnarrow-vs-base.yaml', 'examples/one-knob-small.yaml', 'examples/deepnarrow-paper.yaml']) {
      const spec = await loadSweepSpec(file, memoryIo().cwd);
      expect(planSweep(spec).cells.length).toBeGreaterThan(0);
    }
  });
});
