import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../test-support/memoryIo.js';

const FIELDS = [
  'name', 'el', 'dl', 'dm', 'ff', 'nh', 'kv', 'vocab', 'params', 'embeddingParams', 'nonEmbeddingParams', 'encoderParams',
  'decoderParams', 'forwardFlopsPerExample', 'trainFlopsPerExample',
];

async function run(argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('shapesweep shapes', () => {
  it('prints a JSON array with exactly the documented fields, at paper scale by default', async () => {
    const { code, out, err } = await run(['shapes', '--json', 'tiny', 'base', 't5-efficient-small-nl16']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const rows = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(rows.map((r) => Object.keys(r))).toEqual([FIELDS, FIELDS, FIELDS]);
    expect(rows.map((r) => r.name)).toEqual(['tiny', 'base', 'small-nl16']);
    expect(rows[1]).toMatchObject({ vocab: 32128, params: 222_903_552, trainFlopsPerExample: 425_311_741_440 });
    expect(rows[2]).toMatchObject({ el: 16, dl: 16, dm: 512 });
  });

  it('applies vocabulary, lengths and width scale flags, an @w suffix winning', async () => {
    const { out } = await run(['shapes', '--json', '--vocab', '2048', '--input-len', '64', '--target-len', '16', '--width-scale', '1/8', 'base', 'small@w1/2']);
    const rows = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(rows[0]).toMatchObject({ name: 'base@w1/8', dm: 96, ff: 384, kv: 8, vocab: 2048 });
    expect(rows[1]).toMatchObject({ name: 'small@w1/2', dm: 256 });
    const { out: paper } = await run(['shapes', '--json', '--vocab', '2048', 'base@w1/8']);
    expect((JSON.parse(paper) as Array<{ forwardFlopsPerExample: number }>)[0]?.forwardFlopsPerExample).toBeGreaterThan(
      (rows[0] as { forwardFlopsPerExample: number }).forwardFlopsPerExample,
    );
  });

  it('prints a table with one row per name', async () => {
    const { code, out } = await run(['shapes', 'tiny', 'base']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^name\s+EL\s+DL\s+DM\s+FF\s+NH\s+KV\s+vocab\s+params/);
    expect(lines[3]).toMatch(/^base\s+12\s+12\s+768\s+3072\s+12\s+64\s+32128\s+222\.9M/);
    expect(lines[3]).toContain('425.3G');
    expect(lines[4]).toBe('FLOPs per example at 512 input / 114 target tokens; vocab 32128.');
  });

  it('exits 2 with one line for an unknown name, listing sizes or knobs', async () => {
    const size = await run(['shapes', 'tiny', 'bsae']);
    expect(size.code).toBe(2);
    expect(size.out).toBe('');
    expect(size.err).toBe('shapesweep shapes: bad shape name "bsae": unknown size "bsae"; sizes are tiny, mini, small, base, large, xl, xxl\n');
    const knob = await run(['shapes', 'base-depth4']);
    expect(knob.err).toBe('shapesweep shapes: bad shape name "base-depth4": unknown knob "depth" in "depth4"; knobs are nl, el, dl, dm, ff, nh, kv\n');
  });

  it('exits 2 for bad flag values and for no names', async () => {
    const cases: Array<[string[], string]> = [
      [['shapes', 'tiny', '--vocab', 'lots'], 'shapesweep shapes: --vocab: expected an integer in [375, 1048576], got "lots"\n'],
      [['shapes', 'tiny', '--vocab', '100'], 'shapesweep shapes: --vocab: expected an integer in [375, 1048576], got "100"\n'],
      [['shapes', 'tiny', '--input-len', '0'], 'shapesweep shapes: --input-len: expected an integer in [1, 1048576], got "0"\n'],
      [['shapes', 'tiny', '--width-scale', 'half'], 'shapesweep shapes: --width-scale: widthScale "half": expected a number, "1/N" or a decimal like "0.5"\n'],
      [['shapes'], 'shapesweep shapes: expected NAME... (usage: shapesweep shapes NAME... [options])\n'],
    ];
    for (const [argv, expected] of cases) {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.err).toBe(expected);
    }
  });
});
