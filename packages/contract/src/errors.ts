// The one catalogue of error codes shared by api, worker and CLI. Each code has its HTTP status and a default
// message; errors.test.ts pins the catalogue so a change is a deliberate one.

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  SWEEP_SPEC_INVALID: { status: 400, message: 'The sweep spec is not valid' },
  SHAPE_INVALID: { status: 400, message: 'The shape is not valid' },
  SHAPE_NAME_INVALID: { status: 400, message: 'The shape name is not valid' },
  SWEEP_TOO_LARGE: { status: 400, message: 'The sweep has more cells than the configured limit' },
  CURSOR_INVALID: { status: 400, message: 'The pagination cursor is not valid' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the configured limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON' },
  UNAUTHORIZED: { status: 401, message: 'A valid bearer token is required' },
  FORBIDDEN: { status: 403, message: 'The token does not allow this operation' },
  SWEEP_NOT_FOUND: { status: 404, message: 'No sweep has that id' },
  RUN_NOT_FOUND: { status: 404, message: 'No run has that id' },
  TOKEN_NOT_FOUND: { status: 404, message: 'No API token has that id' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: 'The Idempotency-Key was already used with a different request body' },
  SWEEP_NOT_CANCELLABLE: { status: 409, message: 'The sweep is already finished' },
  NOT_ENOUGH_DATA: { status: 422, message: 'Not enough finished runs to answer' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  QUEUE_UNAVAILABLE: { status: 503, message: 'The job queue (Redis) is unavailable' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database (Postgres) is unavailable' },
  CONFIG_INVALID: { status: 500, message: 'The configuration is not valid' },
  JOB_PAYLOAD_INVALID: { status: 500, message: 'The job payload is not valid' },
  TRAINING_DIVERGED: { status: 500, message: 'Training diverged (loss is NaN or exploded)' },
  TRAINING_CANCELLED: { status: 500, message: 'Training was cancelled' },
  BACKEND_UNAVAILABLE: { status: 500, message: 'The requested TensorFlow.js backend is not installed' },
  DATA_INVALID: { status: 500, message: 'Input data is malformed' },
  CHECKPOINT_INVALID: { status: 500, message: 'The checkpoint cannot be read' },
  MIGRATION_CHANGED: { status: 500, message: 'An applied migration was changed after it was applied' },
  INTERNAL: { status: 500, message: 'Internal Server Error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error that knows its catalogue code; `details` say what exactly was wrong (field paths, values). */
export class ShapesweepError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message?: string, options?: { details?: readonly string[]; cause?: unknown }) {
    super(message ?? ERROR_CATALOGUE[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShapesweepError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options?.details ?? [];
  }
}

export function isShapesweepError(err: unknown): err is ShapesweepError {
  return err instanceof ShapesweepError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ShapesweepError' && typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code in ERROR_CATALOGUE);
}
