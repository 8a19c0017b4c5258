// `shapesweep shapes NAME...`: the shape, parameter counts and FLOPs of named models, at paper scale by default.
import {
  MAX_SEQUENCE_LENGTH, MIN_VOCAB, PAPER_INPUT_LENGTH, PAPER_TARGET_LENGTH, PAPER_VOCAB, SHAPE_MAX, formatSi,
  parseWidthScale, resolveCellName, shapeCost, type Shape, type ShapeCost,
} from '@shapesweep/shapes';
import { EXIT, UsageError, defineCommand, intOption } from '../command.js';
import { renderTable } from '../table.js';

/** One row of `shapes --json`: exactly these fields, in this order. */
export interface ShapeRow {
  readonly name: string;
  readonly el: number;
  readonly dl: number;
  readonly dm: number;
  readonly ff: number;
  readonly nh: number;
  readonly kv: number;
  readonly vocab: number;
  readonly params: number;
  readonly embeddingParams: number;
  readonly nonEmbeddingParams: number;
  readonly encoderParams: number;
  readonly decoderParams: number;
  readonly forwardFlopsPerExample: number;
  readonly trainFlopsPerExample: number;
}

function toRow(name: string, shape: Shape, cost: ShapeCost): ShapeRow {
  return {
    name,
    el: shape.el,
    dl: shape.dl,
    dm: shape.dm,
    ff: shape.ff,
    nh: shape.nh,
    kv: shape.kv,
    vocab: shape.vocab,
    params: cost.params,
    embeddingParams: cost.embeddingParams,
    nonEmbeddingParams: cost.nonEmbeddingParams,
    encoderParams: cost.encoderParams,
    decoderParams: cost.decoderParams,
    forwardFlopsPerExample: cost.forwardFlopsPerExample,
    trainFlopsPerExample: cost.trainFlopsPerExample,
  };
}

export const shapesCommand = defineCommand({
  name: 'shapes',
  summary: 'Show the shape, parameters and FLOPs of named models (offline)',
  usage: 'NAME... [options]',
  description: [
    'NAME is a size (tiny mini small base large xl xxl) with optional knobs, e.g. small-nl16, base-dm512,',
    't5-efficient-small-el16-dl4, and an optional width suffix, e.g. base@w1/8. FLOPs are per example at the given',
    'input/target lengths; training = 3 x forward. Defaults are paper scale, so figures compare with the paper.',
  ].join('\n'),
  options: {
    vocab: { type: 'string', valueName: 'N', help: `Vocabulary size (default ${PAPER_VOCAB})` },
    'input-len': { type: 'string', valueName: 'N', help: `Encoder tokens per example (default ${PAPER_INPUT_LENGTH})` },
    'target-len': { type: 'string', valueName: 'N', help: `Decoder tokens per example (default ${PAPER_TARGET_LENGTH})` },
    'width-scale': { type: 'string', valueName: 'S', help: 'Width scale for names without an @w suffix, e.g. 1/8 (default 1)' },
    json: { type: 'boolean', help: 'Print a JSON array instead of a table' },
  },
  positionals: { min: 1 },
  async run({ values, positionals, io }) {
    const vocab = intOption('vocab', values.vocab, PAPER_VOCAB, MIN_VOCAB, SHAPE_MAX.vocab);
    const inputLength = intOption('input-len', values['input-len'], PAPER_INPUT_LENGTH, 1, MAX_SEQUENCE_LENGTH);
    const targetLength = intOption('target-len', values['target-len'], PAPER_TARGET_LENGTH, 1, MAX_SEQUENCE_LENGTH);
    let widthScale = 1;
    if (values['width-scale'] !== undefined) {
      try {
        widthScale = parseWidthScale(values['width-scale']);
      } catch (err) {
        throw new UsageError(`--width-scale: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const rows = positionals.map((name) => {
      const cell = resolveCellName(name, { vocab, widthScale });
      return toRow(cell.name, cell.shape, shapeCost(cell.shape, { inputLength, targetLength }));
    });
    if (values.json === true) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return EXIT.ok;
    }
    const int = (key: keyof ShapeRow) => ({ header: key.toUpperCase(), numeric: true, value: (r: ShapeRow) => String(r[key]) });
    const si = (header: string, key: keyof ShapeRow) => ({ header, numeric: true, value: (r: ShapeRow) => formatSi(r[key] as number) });
    io.stdout(
      renderTable(rows, [
        { header: 'name', value: (r) => r.name },
        int('el'), int('dl'), int('dm'), int('ff'), int('nh'), int('kv'),
        { header: 'vocab', numeric: true, value: (r) => String(r.vocab) },
        si('params', 'params'), si('embedding', 'embeddingParams'), si('non-emb', 'nonEmbeddingParams'),
        si('encoder', 'encoderParams'), si('decoder', 'decoderParams'),
        si('fwd FLOPs/ex', 'forwardFlopsPerExample'), si('train FLOPs/ex', 'trainFlopsPerExample'),
      ]) + `FLOPs per example at ${inputLength} input / ${targetLength} target tokens; vocab ${vocab}.\n`,
    );
    return EXIT.ok;
  },
});
