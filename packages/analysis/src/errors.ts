// Errors raised by the analysis functions. The package stays free of the contract package (it is pure math that
// the CLI and the web bundle can use too), so callers map these codes onto the shared catalogue: the api turns
// NOT_ENOUGH_DATA into a 422 and INVALID_INPUT into a 400 (`VALIDATION_FAILED`).

/** Why an analysis could not answer. */
export type AnalysisErrorCode =
  /** Too few usable points (e.g. a power-law fit over fewer than 3 runs). Maps to NOT_ENOUGH_DATA (422). */
  | 'NOT_ENOUGH_DATA'
  /** An argument is outside its domain (a negative x for a log fit, a non-integer maxPoints). */
  | 'INVALID_INPUT';

export class AnalysisError extends Error {
  readonly code: AnalysisErrorCode;

  constructor(code: AnalysisErrorCode, message: string) {
    super(message);
    this.name = 'AnalysisError';
    this.code = code;
  }
}

export function isAnalysisError(err: unknown): err is AnalysisError {
  return err instanceof AnalysisError;
}
