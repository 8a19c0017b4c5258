// Shape names that mirror the published checkpoints (google/t5-efficient-<size>[-<knob><value>...]).
//
// Grammar (case-insensitive; the canonical form is lower case):
//   name       := [ "google/" ] [ "t5-" | "t5-efficient-" ] size ( "-" knob value )*
//   size       := tiny | mini | small | base | large | xl | xxl
//   knob       := nl | el | dl | dm | ff | nh | kv        (nl sets el and dl together)
//   value      := positive decimal integer without leading zeros
//   cellName   := name [ "@w" widthScale ]                 (see width.ts for widthScale)
// Each knob may appear once; nl cannot be combined with el or dl.
//
// Canonical form (what formatName returns): no prefix, knobs in the fixed order nl el dl dm ff nh kv, whatever the
// order they were written in. So `t5-efficient-small-dl4-el16` formats as `small-el16-dl4`, and
// parseName(formatName(p)) deep-equals p for every parsed name p. Knobs equal to the size's own value are kept
// (`base-nl12` is a different name from `base`, though the same shape; plans dedupe by shape, not by name).
import { ShapeError } from './errors.js';
import { PRESETS, PRESET_NAMES, isPresetName, type PresetName } from './presets.js';
import { shapeFieldProblem, validateShape, type Shape } from './shape.js';
import { formatWidthScale, parseWidthScale, scaleWidth } from './width.js';

export const KNOBS = ['nl', 'el', 'dl', 'dm', 'ff', 'nh', 'kv'] as const;
export type Knob = (typeof KNOBS)[number];
/** Knob settings of a name; absent knobs keep the size's value. */
export type KnobValues = Partial<Record<Knob, number>>;

/** A parsed shape name: a standard size plus knob overrides. */
export interface ParsedName {
  readonly size: PresetName;
  readonly knobs: Readonly<KnobValues>;
}

const PREFIX = /^(?:google\/)?(?:t5-efficient-|t5-)?/;
const KNOB_PART = /^([a-z]+)(\d+)$/;

export function isKnob(s: string): s is Knob {
  return (KNOBS as readonly string[]).includes(s);
}

function nameError(name: string, field: string, value: unknown, why: string): ShapeError {
  return new ShapeError('SHAPE_NAME_INVALID', field, value, `bad shape name "${name}": ${why}`);
}

/** Why a knob value is out of range, or null. nl is checked against the el/dl bounds. */
export function knobValueProblem(knob: Knob, value: unknown): string | null {
  const problem = shapeFieldProblem(knob === 'nl' ? 'el' : knob, value);
  return problem === null ? null : problem.replace(/^el /, knob === 'nl' ? 'nl ' : 'el ');
}

/**
 * Parse a shape name (without width suffix). Throws ShapeError('SHAPE_NAME_INVALID') saying which part is wrong and,
 * for a bad knob, listing the valid knobs.
 */
export function parseName(name: string): ParsedName {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ShapeError('SHAPE_NAME_INVALID', 'name', name, `bad shape name ${JSON.stringify(name)}: expected <size>(-<knob><int>)*`);
  }
  const lower = name.trim().toLowerCase();
  if (lower.includes('@')) throw nameError(name, 'name', name, 'a width suffix "@w..." is only allowed in a cell name');
  const rest = lower.replace(PREFIX, '');
  const [size = '', ...parts] = rest.split('-');
  if (!isPresetName(size)) {
    throw nameError(name, 'size', size, `unknown size "${size}"; sizes are ${PRESET_NAMES.join(', ')}`);
  }
  const knobs: KnobValues = {};
  for (const part of parts) {
    const match = KNOB_PART.exec(part);
    if (match === null) {
      throw nameError(name, 'knob', part, `part "${part}" is not <knob><int>; knobs are ${KNOBS.join(', ')}`);
    }
    const [, knob = '', digits = ''] = match;
    if (!isKnob(knob)) throw nameError(name, 'knob', knob, `unknown knob "${knob}" in "${part}"; knobs are ${KNOBS.join(', ')}`);
    if (digits.length > 1 && digits.startsWith('0')) throw nameError(name, knob, digits, `${knob} value "${digits}" has a leading zero`);
    if (knobs[knob] !== undefined) throw nameError(name, knob, part, `knob ${knob} appears twice`);
    const value = Number(digits);
    const problem = knobValueProblem(knob, value);
    if (problem !== null) throw nameError(name, knob, value, problem);
    knobs[knob] = value;
  }
  if (knobs.nl !== undefined && (knobs.el !== undefined || knobs.dl !== undefined)) {
    throw nameError(name, 'nl', knobs.nl, 'nl sets el and dl together; use either nl or el/dl');
  }
  return Object.freeze({ size, knobs: Object.freeze(knobs) });
}

/** Canonical text of a parsed name: no prefix, knobs in the order nl el dl dm ff nh kv. */
export function formatName(parsed: ParsedName): string {
  let out: string = parsed.size;
  for (const knob of KNOBS) {
    const value = parsed.knobs[knob];
    if (value !== undefined) out += `-${knob}${value}`;
  }
  return out;
}

/** Canonical form of a shape name (parse, then format). */
export function canonicalName(name: string): string {
  return formatName(parseName(name));
}

/** The paper-scale shape of a parsed name (before any width scale) with the given vocabulary. */
export function shapeOfName(parsed: ParsedName, vocab: number): Shape {
  const preset = PRESETS[parsed.size];
  const { nl, el, dl, dm, ff, nh, kv } = parsed.knobs;
  return validateShape({
    el: el ?? nl ?? preset.el,
    dl: dl ?? nl ?? preset.dl,
    dm: dm ?? preset.dm,
    ff: ff ?? preset.ff,
    nh: nh ?? preset.nh,
    kv: kv ?? preset.kv,
    vocab,
  });
}

/** A cell name: a shape name plus the width scale it runs at. */
export interface ParsedCellName {
  readonly name: ParsedName;
  readonly widthScale: number;
}

/** Parse `<name>[@w<scale>]`, e.g. `base-nl24@w1/8`. A missing suffix means widthScale 1. */
export function parseCellName(cellName: string): ParsedCellName {
  if (typeof cellName !== 'string') return { name: parseName(cellName), widthScale: 1 };
  const at = cellName.indexOf('@');
  if (at === -1) return { name: parseName(cellName), widthScale: 1 };
  const suffix = cellName.slice(at + 1);
  if (!suffix.toLowerCase().startsWith('w')) {
    throw nameError(cellName, 'widthScale', suffix, `suffix "@${suffix}" must be "@w<scale>", e.g. "@w1/8"`);
  }
  return { name: parseName(cellName.slice(0, at)), widthScale: parseWidthScale(suffix.slice(1)) };
}

/** Canonical cell name: `formatName(name)`, plus `@w<scale>` unless the scale is 1. */
export function formatCellName(name: ParsedName, widthScale: number): string {
  return widthScale === 1 ? formatName(name) : `${formatName(name)}@w${formatWidthScale(widthScale)}`;
}

/** A name resolved to the shape that runs. */
export interface ResolvedCell {
  /** Canonical cell name, e.g. "small-nl16@w1/8". */
  readonly name: string;
  readonly parsed: ParsedName;
  readonly widthScale: number;
  readonly shape: Shape;
}

export interface ResolveOptions {
  /** Vocabulary size. */
  readonly vocab: number;
  /** Width scale used when the name has no `@w` suffix (a suffix wins). @defaultValue 1 */
  readonly widthScale?: number;
}

/** Resolve a (cell) name to its shape: size, then knobs, then width scale, with the given vocabulary. */
export function resolveCellName(cellName: string, options: ResolveOptions): ResolvedCell {
  const parsedCell = parseCellName(cellName);
  const widthScale = cellName.includes('@') ? parsedCell.widthScale : parseWidthScale(options.widthScale ?? 1);
  const shape = scaleWidth(shapeOfName(parsedCell.name, options.vocab), widthScale);
  return { name: formatCellName(parsedCell.name, widthScale), parsed: parsedCell.name, widthScale, shape };
}
