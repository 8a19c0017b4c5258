// One error handler for the whole API. Every failure leaves as `{ error: { code, message, details } }`:
//  - ShapesweepError: its catalogue code and status, message and details as thrown (they name the field);
//  - zod route validation: 400 VALIDATION_FAILED, one detail per issue, each prefixed with where it was found
//    (`querystring.maxParams: ...`, `body.grid.dm[2]: ...`);
//  - Fastify's own 4xx (bad JSON, body too large, wrong media type): mapped to catalogue codes;
//  - anything else: 500 "Internal Server Error" and nothing more; the full error goes to the log only.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CATALOGUE, isShapesweepError, type ErrorCode } from '@shapesweep/contract';
import { ZodError } from 'zod';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: string[] };
}

export function errorBody(code: ErrorCode, message?: string, details: readonly string[] = []): ErrorBody {
  return { error: { code, message: message ?? ERROR_CATALOGUE[code].message, details: [...details] } };
}

/** `a.b[2].c` from a zod / JSON-pointer path, so messages read like the spec a user wrote. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The details of a zod error: `where.path: message` per issue (at most 20, so a huge bad body stays small). */
export function zodDetails(error: ZodError, where?: string): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = formatPath(issue.path);
    const field = [where, path].filter((s) => s !== undefined && s !== '').join('.') || where || '(root)';
    return `${field}: ${issue.message}`;
  });
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_RATE_LIMITED: 'RATE_LIMITED',
};

/** Maps any thrown value to a status and body. Pure, so it can be unit tested without a server. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isShapesweepError(err)) {
    const internal = err.status >= 500;
    // 5xx from the catalogue (QUEUE_UNAVAILABLE, DATABASE_UNAVAILABLE) keep their code; only INTERNAL-class
    // errors hide everything. Their messages are written by us and name no secret.
    if (internal && err.status !== 503) return { status: 500, body: errorBody('INTERNAL'), internal: true };
    return { status: err.status, body: errorBody(err.code, err.message, err.details), internal };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    const details = err.validation.slice(0, 20).map((v) => {
      const path = v.instancePath.replace(/^\//, '').split('/').filter((s) => s !== '');
      const field = [where, ...path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : p))].join('.').replace(/\.\[/g, '[');
      return `${field}: ${v.message ?? 'is not valid'}`;
    });
    return { status: 400, body: errorBody('VALIDATION_FAILED', `Invalid ${where}: ${details[0] ?? ''}`, details), internal: false };
  }
  if (err instanceof ZodError) {
    const details = zodDetails(err);
    return { status: 400, body: errorBody('VALIDATION_FAILED', details[0] ?? 'The request is not valid', details), internal: false };
  }
  const fastifyError = err as Partial<FastifyError> | null;
  const statusCode = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (statusCode >= 400 && statusCode < 500) {
    const code = (fastifyError?.code !== undefined ? FASTIFY_CODES[fastifyError.code] : undefined) ?? statusToCode(statusCode);
    const message = fastifyError?.message ?? ERROR_CATALOGUE[code].message;
    const field = code === 'BODY_TOO_LARGE' || fastifyError?.code?.startsWith('FST_ERR_CTP') === true ? 'body' : undefined;
    return {
      status: ERROR_CATALOGUE[code].status === statusCode ? statusCode : ERROR_CATALOGUE[code].status,
      body: errorBody(code, field === undefined ? message : `${field}: ${message}`, field === undefined ? [] : [`${field}: ${message}`]),
      internal: false,
    };
  }
  return { status: 500, body: errorBody('INTERNAL'), internal: true };
}

function statusToCode(status: number): ErrorCode {
  switch (status) {
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404: return 'ROUTE_NOT_FOUND';
    case 413: return 'BODY_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'RATE_LIMITED';
    default: return 'VALIDATION_FAILED';
  }
}

/** Answers `err` as the error catalogue says: logs what is ours to fix, asks for a retry on 503. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const { status, body, internal } = toErrorResponse(err);
  if (internal) request.log.error({ err }, 'request failed');
  else if (status >= 500) request.log.warn({ err }, 'dependency unavailable');
  if (status === 503) void reply.header('retry-after', '5');
  if (status === 401 && request.url.startsWith('/admin/')) {
    // Lets a browser open the BullMQ dashboard: it prompts for Basic credentials (password = the token).
    void reply.header('www-authenticate', 'Basic realm="shapesweep", charset="UTF-8"');
  }
  return reply.code(status).type('application/json').send(body);
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, err));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
