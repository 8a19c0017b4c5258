import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ShapesweepError, isShapesweepError, type ErrorCode } from './errors.js';

// The catalogue is an API: clients branch on codes and statuses. Changing it must be a deliberate edit here too.
const PINNED: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  SWEEP_SPEC_INVALID: 400,
  SHAPE_INVALID: 400,
  SHAPE_NAME_INVALID: 400,
  SWEEP_TOO_LARGE: 400,
  CURSOR_INVALID: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SWEEP_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  SWEEP_NOT_CANCELLABLE: 409,
  NOT_ENOUGH_DATA: 422,
  RATE_LIMITED: 429,
  QUEUE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  JOB_PAYLOAD_INVALID: 500,
  TRAINING_DIVERGED: 500,
  TRAINING_CANCELLED: 500,
  BACKEND_UNAVAILABLE: 500,
  DATA_INVALID: 500,
  CHECKPOINT_INVALID: 500,
  MIGRATION_CHANGED: 500,
  INTERNAL: 500,
};

/**
 * Codes that describe something the HTTP client did (its request, its token, what it asked for). Only these may be
 * 4xx; everything that goes wrong inside shapesweep (config, training, data, storage, dependencies) is 5xx.
 */
const CLIENT_CAUSED = /^(VALIDATION|SWEEP_SPEC|SHAPE|SHAPE_NAME|SWEEP_TOO_LARGE|CURSOR|BODY|UNSUPPORTED|UNAUTHORIZED|FORBIDDEN|.*_NOT_FOUND|IDEMPOTENCY|SWEEP_NOT_CANCELLABLE|NOT_ENOUGH_DATA|RATE_LIMITED)/;

describe('error catalogue', () => {
  it('maps every code to its pinned HTTP status', () => {
    const actual = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, entry]) => [code, entry.status]));
    expect(actual).toEqual(PINNED);
  });

  it('uses 4xx only for errors the client caused, 503 only for unavailable dependencies, and 500 for the rest', () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
      if (status >= 400 && status < 500) expect(code, `${code} is ${status}`).toMatch(CLIENT_CAUSED);
      else if (status === 503) expect(code).toMatch(/_UNAVAILABLE$/);
      else expect(status, code).toBe(500);
      if (CLIENT_CAUSED.test(code)) expect(status, `${code} is caused by the client`).toBeLessThan(500);
    }
  });

  it('gives every code a one-line message without a trailing period, and the 500 catch-all says nothing more', () => {
    for (const [code, { message }] of Object.entries(ERROR_CATALOGUE)) {
      expect(message, code).toMatch(/^[A-Z][^\n]*[^.]$/);
    }
    expect(ERROR_CATALOGUE.INTERNAL.message).toBe('Internal Server Error');
  });

  it('carries code, status, details and cause on ShapesweepError, defaulting to the catalogue message', () => {
    const cause = new Error('socket hang up');
    const error = new ShapesweepError('RUN_NOT_FOUND', undefined, { details: ['id: "r1"'], cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ShapesweepError', code: 'RUN_NOT_FOUND', status: 404, message: 'No run has that id', details: ['id: "r1"'] });
    expect(error.cause).toBe(cause);
    expect(new ShapesweepError('SHAPE_INVALID', 'dm: 100 is not divisible by nh=12').message).toBe('dm: 100 is not divisible by nh=12');
  });

  it('recognises a ShapesweepError that crossed a process boundary as a plain object, but not an unknown code', () => {
    expect(isShapesweepError({ name: 'ShapesweepError', code: 'TRAINING_DIVERGED', message: 'loss is NaN' })).toBe(true);
    expect(isShapesweepError({ name: 'ShapesweepError', code: 'NO_SUCH_CODE' })).toBe(false);
    expect(isShapesweepError(new Error('plain'))).toBe(false);
    expect(isShapesweepError(null)).toBe(false);
  });
});
