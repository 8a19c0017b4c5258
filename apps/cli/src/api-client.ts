// The HTTP client of the commands that talk to the shapesweep API: base URL and bearer token from flags, the
// environment or the local token file; every failure becomes an error that knows its exit status and reads as
// one line naming what was wrong (the API's error.message plus its details).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError, type CliIo, type OptionSpecs } from './command.js';

/** Where the API listens when neither --api nor SHAPESWEEP_API says otherwise (the api's API_HOST/API_PORT defaults). */
export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
/** The admin token file the api writes on first start (its ADMIN_TOKEN_FILE default), relative to $HOME. */
export const DEFAULT_TOKEN_FILE = '~/.shapesweep/token';

/** Options every API command accepts. */
export const API_OPTIONS = {
  api: { type: 'string', valueName: 'URL', help: `API base URL (default $SHAPESWEEP_API, else ${DEFAULT_API_URL})` },
  token: { type: 'string', valueName: 'TOKEN', help: `Bearer token (default $SHAPESWEEP_TOKEN, else the file $SHAPESWEEP_TOKEN_FILE or ${DEFAULT_TOKEN_FILE})` },
} as const satisfies OptionSpecs;

/** `--json` for read commands. */
export const JSON_OPTION = { json: { type: 'boolean', help: 'Print the API response as JSON' } } as const satisfies OptionSpecs;

/** The error body every API failure carries (apps/api http/errors.ts). */
interface ErrorBody {
  error: { code: string; message: string; details: string[] };
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown; details?: unknown } | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string' && Array.isArray(error.details);
}

/** The API answered with an error status. Exit 2 for 4xx (the request was wrong), 1 for 5xx. */
export class ApiError extends Error {
  readonly exitCode: number;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly string[],
  ) {
    super(ApiError.describe(status, code, message, details));
    this.name = 'ApiError';
    this.exitCode = status >= 400 && status < 500 ? EXIT.usage : EXIT.failure;
  }

  /** `CODE (HTTP 400): message [detail; detail]`, details that only repeat the message left out. */
  static describe(status: number, code: string, message: string, details: readonly string[]): string {
    const extra = details.filter((d) => d !== '' && !message.includes(d));
    return `${message}${extra.length === 0 ? '' : ` [${extra.join('; ')}]`} (${code}, HTTP ${status})`;
  }
}

/** The API could not be reached at all. Exit 3. */
export class ApiUnreachableError extends Error {
  readonly exitCode = EXIT.unreachable;
  constructor(readonly baseUrl: string, cause: unknown) {
    super(`cannot reach the API at ${baseUrl}: ${causeMessage(cause)} (start it with \`npm run api\` or point --api / SHAPESWEEP_API at it)`);
    this.name = 'ApiUnreachableError';
  }
}

/** fetch() wraps socket errors in "fetch failed"; the useful part (ECONNREFUSED 127.0.0.1:8080) is in the cause. */
function causeMessage(err: unknown): string {
  let current: unknown = err;
  const parts: string[] = [];
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !current.message.includes(code) ? `${code} ${current.message}` : current.message);
    current = current.cause;
  }
  const useful = parts.filter((p) => p !== 'fetch failed');
  return (useful.length === 0 ? parts : useful).join(': ') || String(err);
}

/** A query value; undefined values are left out of the URL. */
export type QueryValue = string | number | boolean | undefined;

export interface ApiClientOptions {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8080. */
  readonly baseUrl: string;
  /** Bearer token; null sends none (reads are public unless READS_REQUIRE_TOKEN). */
  readonly token: string | null;
  readonly fetch: typeof fetch;
  /** Aborts every request (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export class ApiClient {
  readonly baseUrl: string;
  readonly token: string | null;
  readonly #fetch: typeof fetch;
  readonly #signal: AbortSignal | undefined;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.#fetch = options.fetch;
    this.#signal = options.signal;
  }

  url(route: string, query: Readonly<Record<string, QueryValue>> = {}): string {
    const url = new URL(`${this.baseUrl}${route}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  headers(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { accept: 'application/json', ...(this.token === null ? {} : { authorization: `Bearer ${this.token}` }), ...extra };
  }

  /** The raw response (for SSE); network failures become ApiUnreachableError, error statuses ApiError. */
  async send(method: string, route: string, init: { query?: Readonly<Record<string, QueryValue>>; body?: unknown; headers?: Readonly<Record<string, string>>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers = this.headers(init.headers);
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const signal = init.signal ?? this.#signal;
    let response: Response;
    try {
      response = await this.#fetch(this.url(route, init.query), {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (err) {
      if (signal?.aborted === true) throw err;
      throw new ApiUnreachableError(this.baseUrl, err);
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  async request<T>(method: string, route: string, init: { query?: Readonly<Record<string, QueryValue>>; body?: unknown; headers?: Readonly<Record<string, string>> } = {}): Promise<T> {
    const response = await this.send(method, route, init);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', `${method} ${route} answered ${response.status} with a body that is not JSON: ${text.slice(0, 100)}`, []);
    }
  }

  get<T>(route: string, query: Readonly<Record<string, QueryValue>> = {}): Promise<T> {
    return this.request<T>('GET', route, { query });
  }

  post<T>(route: string, body: unknown = {}, options: { query?: Readonly<Record<string, QueryValue>>; headers?: Readonly<Record<string, string>> } = {}): Promise<T> {
    return this.request<T>('POST', route, { body, ...options });
  }

  delete<T>(route: string): Promise<T> {
    return this.request<T>('DELETE', route);
  }

  /** Every item of a cursor-paginated listing (`{ [key]: T[], nextCursor }`), page by page. */
  async all<T>(route: string, key: string, query: Readonly<Record<string, QueryValue>> = {}, pageSize = 500): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Record<string, unknown> = await this.get(route, { ...query, limit: pageSize, ...(cursor === null ? {} : { cursor }) });
      items.push(...((page[key] as T[] | undefined) ?? []));
      cursor = typeof page.nextCursor === 'string' ? page.nextCursor : null;
    } while (cursor !== null);
    return items;
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML error page): the status line and the start of the body say enough.
  }
  if (isErrorBody(body)) return new ApiError(response.status, body.error.code, body.error.message, body.error.details);
  return new ApiError(response.status, `HTTP_${response.status}`, `${response.statusText || 'error'}${text === '' ? '' : `: ${text.slice(0, 200).replace(/\s+/g, ' ')}`}`, []);
}

/** Expand a leading `~` with the given home directory. */
function expandHome(file: string, home: string | undefined): string {
  if (file !== '~' && !file.startsWith('~/')) return file;
  if (home === undefined) throw new UsageError(`${file}: cannot expand ~ because HOME is not set`);
  return path.join(home, file.slice(1));
}

/**
 * The bearer token: --token, else $SHAPESWEEP_TOKEN, else the first line of $SHAPESWEEP_TOKEN_FILE (default
 * ~/.shapesweep/token, which the api writes on its first start), else none.
 */
export function resolveToken(flag: string | undefined, io: Pick<CliIo, 'env' | 'cwd'>): string | null {
  if (flag !== undefined && flag.trim() !== '') return flag.trim();
  const fromEnv = io.env.SHAPESWEEP_TOKEN?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = path.resolve(io.cwd, expandHome(io.env.SHAPESWEEP_TOKEN_FILE ?? DEFAULT_TOKEN_FILE, io.env.HOME));
  try {
    const secret = readFileSync(file, 'utf8').split('\n')[0]?.trim() ?? '';
    return secret === '' ? null : secret;
  } catch {
    // No file: reads still work; mutations answer 401 with a message saying a token is needed.
    return null;
  }
}

/** The API base URL: --api, else $SHAPESWEEP_API, else http://127.0.0.1:8080. UsageError when it is not http(s). */
export function resolveApiUrl(flag: string | undefined, env: CliIo['env']): string {
  const raw = flag ?? env.SHAPESWEEP_API ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api: ${JSON.stringify(raw)} is not a URL (expected e.g. ${DEFAULT_API_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api: ${JSON.stringify(raw)} must be an http:// or https:// URL`);
  return raw.replace(/\/+$/, '');
}

/** The client a command uses, from its --api/--token flags and io. */
export function apiClient(values: { api?: string | undefined; token?: string | undefined }, io: CliIo): ApiClient {
  return new ApiClient({
    baseUrl: resolveApiUrl(values.api, io.env),
    token: resolveToken(values.token, io),
    fetch: io.fetch,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
}
