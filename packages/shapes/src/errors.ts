// Errors of the shape algebra. The shapes package sits below @shapesweep/contract (contract depends on shapes), so it
// cannot use ShapesweepError; ShapeError carries the same catalogue codes and the api / CLI map it by `code`.

/** Catalogue codes a ShapeError can carry (they exist in contract's ERROR_CATALOGUE with HTTP status 400). */
export type ShapeErrorCode = 'SHAPE_INVALID' | 'SHAPE_NAME_INVALID';

/** A shape, name, width scale or generator argument that is not valid. The message names the field and the value. */
export class ShapeError extends Error {
  readonly code: ShapeErrorCode;
  /** The field (or name part) that is wrong, e.g. "dm", "knob", "size", "widthScale", "oneKnob.values[2]". */
  readonly field: string;
  /** The offending value as given. */
  readonly value: unknown;

  constructor(code: ShapeErrorCode, field: string, value: unknown, message: string) {
    super(message);
    this.name = 'ShapeError';
    this.code = code;
    this.field = field;
    this.value = value;
  }
}

export function isShapeError(err: unknown): err is ShapeError {
  return err instanceof ShapeError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ShapeError');
}

/** A value as it should appear in an error message: strings quoted, NaN and Infinity as themselves, objects as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
