// The sweep spec: what a user writes (YAML or JSON) to describe a sweep, what `shapesweep plan` reads and what
// POST /v1/sweeps accepts. Structural rules are zod; name and knob semantics come from @shapesweep/shapes, reported
// as zod issues at the exact path (`cells[1].grid.knobs.dm[2]: dm must be at most 65536, got 100000`).
import { z } from 'zod';
import {
  DEFAULT_DEEPNARROW_MAX_LAYERS, DEFAULT_DEEPNARROW_TOLERANCE, KNOBS, MIN_VOCAB, PRESET_NAMES, SHAPE_MAX,
  describeValue, isShapeError, knobValueProblem, parseName, parseWidthScale, type Knob,
} from '@shapesweep/shapes';
import { ShapesweepError } from './errors.js';
import { TrainingConfigSchema } from './training.js';

/** Most values one generator list may hold (names, one-knob values, grid values per knob, references). */
const MAX_LIST = 10_000;

/** A shape name such as "small-nl16" or "t5-efficient-base-dm512" (no width suffix: width scales are separate). */
export const ShapeNameSchema = z.string().superRefine((name, ctx) => {
  try {
    parseName(name);
  } catch (err) {
    if (!isShapeError(err)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
  }
});

export const KnobSchema = z.enum(KNOBS);

/** Knob values must lie within the shape bounds of that knob (nl within the el/dl bounds). */
function knobValues(knob: Knob) {
  return z
    .array(z.number().int())
    .min(1)
    .max(MAX_LIST)
    .superRefine((values, ctx) => {
      values.forEach((value, i) => {
        const problem = knobValueProblem(knob, value);
        if (problem !== null) ctx.addIssue({ code: 'custom', path: [i], message: problem });
      });
    });
}

/** An explicit list of shapes. */
export const NamesGeneratorSchema = z.array(ShapeNameSchema).min(1).max(MAX_LIST);

/** The paper's protocol: hold `base`, move one knob over `values`. */
export const OneKnobGeneratorSchema = z
  .strictObject({
    base: ShapeNameSchema,
    knob: KnobSchema,
    values: z.array(z.number().int()).min(1).max(MAX_LIST),
  })
  .superRefine((gen, ctx) => {
    gen.values.forEach((value, i) => {
      const problem = knobValueProblem(gen.knob, value);
      if (problem !== null) ctx.addIssue({ code: 'custom', path: ['values', i], message: problem });
    });
  });

/** Cartesian product over knob lists around `base`. */
export const GridGeneratorSchema = z
  .strictObject({
    base: ShapeNameSchema,
    knobs: z.strictObject({
      nl: knobValues('nl').optional(),
      el: knobValues('el').optional(),
      dl: knobValues('dl').optional(),
      dm: knobValues('dm').optional(),
      ff: knobValues('ff').optional(),
      nh: knobValues('nh').optional(),
      kv: knobValues('kv').optional(),
    }),
  })
  .superRefine((gen, ctx) => {
    if (gen.knobs.nl !== undefined && (gen.knobs.el !== undefined || gen.knobs.dl !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['knobs', 'nl'], message: 'nl sets el and dl together; use either nl or el/dl' });
    }
  });

/** DeepNarrow: deeper, narrower shapes matching each reference's cost on one axis. */
export const DeepNarrowGeneratorSchema = z.strictObject({
  /** Sizes or names to match; each is included itself. */
  references: z.array(ShapeNameSchema).min(1).max(100),
  /** @defaultValue "params" */
  axis: z.enum(['params', 'flops']).default('params'),
  /** Relative tolerance of the match. @defaultValue 0.05 */
  tolerance: z.number().gt(0).lt(1).default(DEFAULT_DEEPNARROW_TOLERANCE),
  /** Standard widths to try. @defaultValue every size narrower than the reference */
  widths: z.array(z.enum(PRESET_NAMES)).min(1).optional(),
  /** Deepest NL tried. @defaultValue 48 */
  maxLayers: z.number().int().min(1).max(SHAPE_MAX.el).default(DEFAULT_DEEPNARROW_MAX_LAYERS),
});

const GENERATOR_KEYS = ['names', 'oneKnob', 'grid', 'deepNarrow'] as const;

/** One generator: an object with exactly one of `names`, `oneKnob`, `grid`, `deepNarrow`. */
export const CellGeneratorSchema = z
  .strictObject({
    names: NamesGeneratorSchema.optional(),
    oneKnob: OneKnobGeneratorSchema.optional(),
    grid: GridGeneratorSchema.optional(),
    deepNarrow: DeepNarrowGeneratorSchema.optional(),
  })
  .superRefine((gen, ctx) => {
    const present = GENERATOR_KEYS.filter((key) => gen[key] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: present.length === 0
          ? `a generator needs one of ${GENERATOR_KEYS.join(', ')}`
          : `a generator has exactly one of ${GENERATOR_KEYS.join(', ')}, got ${present.join(' and ')}`,
      });
    }
  });
export type CellGenerator = z.output<typeof CellGeneratorSchema>;

/** A width scale as a number (0.125) or text ("1/8"); parsed to a number. */
export const WidthScaleSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseWidthScale(value);
  } catch (err) {
    if (!isShapeError(err)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
});

export const SweepBudgetSchema = z.strictObject({
  /** Drop cells with more parameters than this. */
  maxParams: z.number().positive().optional(),
  /** Drop cells whose forward FLOPs per example (at the pretraining lengths) exceed this. */
  maxFlops: z.number().positive().optional(),
});
export type SweepBudget = z.output<typeof SweepBudgetSchema>;

/** Largest BullMQ job priority (2^21); 0 is the default, and lower runs first among prioritised jobs. */
export const MAX_PRIORITY = 2_097_152;

export const SweepSpecSchema = z.strictObject({
  /** Human name of the sweep. */
  name: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).optional(),
  /**
   * One generator or a list of them; their cells are concatenated (duplicates removed by the plan). A single
   * generator is wrapped into a list of one (a zod union would hide the inner issue paths behind "Invalid input").
   */
  cells: z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(CellGeneratorSchema).min(1).max(1000)),
  /** Compute regions: every generated shape runs at each width scale. @defaultValue [1] */
  widthScales: z.array(WidthScaleSchema).min(1).max(64).default([1]),
  /** Vocabulary size of the tokenizer every cell trains. @defaultValue 8192 */
  vocab: z.number().int().min(MIN_VOCAB).max(SHAPE_MAX.vocab).default(8192),
  /** Training hyper-parameters shared by every cell; unspecified fields take their documented defaults. */
  training: TrainingConfigSchema.prefault({}),
  /** Every cell runs once per seed. @defaultValue [0] */
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(1000).default([0]),
  /** BullMQ priority of the sweep's jobs (0 = none; otherwise lower runs first). @defaultValue 0 */
  priority: z.number().int().min(0).max(MAX_PRIORITY).default(0),
  /** Upper bounds on a cell's cost; cells above them are dropped and reported. @defaultValue no bounds */
  budget: SweepBudgetSchema.optional(),
});

/** A parsed sweep spec with every default applied. */
export type SweepSpec = z.output<typeof SweepSpecSchema>;
/** A sweep spec as a user writes it. */
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** `cells.grid.knobs.dm[2]` from ['cells', 'grid', 'knobs', 'dm', 2]; "(root)" for the empty path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per zod issue: `<path>: <message>`, with the offending value appended when zod does not say it. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const input = (issue as { input?: unknown }).input;
    const showInput = issue.code !== 'custom' && issue.code !== 'unrecognized_keys' && input !== undefined && (typeof input !== 'object' || input === null);
    return `${formatIssuePath(issue.path)}: ${issue.message}${showInput ? ` (got ${describeValue(input)})` : ''}`;
  });
}

/**
 * Validate an untrusted sweep spec (parsed JSON or YAML). Returns the spec with defaults applied, or throws
 * ShapesweepError('SWEEP_SPEC_INVALID') whose message lists every problem on one line and whose `details` hold one
 * `<path>: <problem>` string per issue.
 */
export function parseSweepSpec(input: unknown): SweepSpec {
  const parsed = SweepSpecSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  // A single generator was wrapped into a list: report its issues at `cells...`, as the user wrote it.
  const cells = typeof input === 'object' && input !== null ? (input as { cells?: unknown }).cells : undefined;
  const single = cells !== undefined && !Array.isArray(cells);
  const issues = parsed.error.issues.map((issue) =>
    single && issue.path[0] === 'cells' && issue.path[1] === 0 ? { ...issue, path: ['cells', ...issue.path.slice(2)] } : issue,
  );
  const details = formatZodIssues(issues);
  throw new ShapesweepError('SWEEP_SPEC_INVALID', `invalid sweep spec: ${details.join('; ')}`, { details });
}

