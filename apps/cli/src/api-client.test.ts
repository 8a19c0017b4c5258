import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, ApiUnreachableError, resolveApiUrl, resolveToken } from './api-client.js';
import { exitCodeFor } from './cli.js';
import { EXIT } from './command.js';

const home = mkdtempSync(path.join(tmpdir(), 'shapesweep-client-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function client(respond: (url: string, init: RequestInit) => Response | Promise<Response>): ApiClient {
  return new ApiClient({ baseUrl: 'http://api.test/', token: 'ssw_secret', fetch: async (url, init) => respond(String(url), init ?? {}) });
}

describe('ApiClient', () => {
  it('sends the bearer token, JSON bodies and query values, leaving undefined ones out', async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const c = client((url, init) => {
      seen = { url, init };
      return Response.json({ ok: true });
    });
    expect(await c.post('/v1/sweeps', { name: 'x' }, { query: { dryRun: 'true', skip: undefined } })).toEqual({ ok: true });
    expect(seen!.url).toBe('http://api.test/v1/sweeps?dryRun=true');
    expect(seen!.init.headers).toMatchObject({ authorization: 'Bearer ssw_secret', 'content-type': 'application/json' });
    expect(seen!.init.body).toBe('{"name":"x"}');
  });

  it('turns an error body into one line with the message, the details it does not repeat, the code and the status', async () => {
    const c = client(() => Response.json({ error: { code: 'SWEEP_SPEC_INVALID', message: 'cells.names[1]: unknown size "enormous"', details: ['cells.names[1]: unknown size "enormous"', 'vocab: 5 < 256'] } }, { status: 400 }));
    const err = await c.get('/v1/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('cells.names[1]: unknown size "enormous" [vocab: 5 < 256] (SWEEP_SPEC_INVALID, HTTP 400)');
    expect(exitCodeFor(err)).toBe(EXIT.usage);
    const server = await client(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })).get('/v1/x').catch((e: unknown) => e);
    expect((server as ApiError).message).toBe('Bad Gateway: <html>bad gateway</html> (HTTP_502, HTTP 502)');
    expect(exitCodeFor(server)).toBe(EXIT.failure);
  });

  it('reports a refused connection as unreachable (exit 3) with the socket error', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    const err = await client(() => Promise.reject(new TypeError('fetch failed', { cause: refused }))).get('/healthz').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnreachableError);
    expect(exitCodeFor(err)).toBe(EXIT.unreachable);
    expect((err as Error).message).toMatch(/^cannot reach the API at http:\/\/api\.test: connect ECONNREFUSED 127\.0\.0\.1:8080 /);
  });

  it('follows nextCursor through every page', async () => {
    const pages: Record<string, unknown> = { '': { runs: [1, 2], nextCursor: 'c2' }, c2: { runs: [3], nextCursor: null } };
    const c = client((url) => Response.json(pages[new URL(url).searchParams.get('cursor') ?? '']));
    expect(await c.all('/v1/sweeps/s/runs', 'runs', {}, 2)).toEqual([1, 2, 3]);
  });
});

describe('resolveToken and resolveApiUrl', () => {
  it('takes the flag, then SHAPESWEEP_TOKEN, then the token file, else none', () => {
    mkdirSync(path.join(home, '.shapesweep'), { recursive: true });
    writeFileSync(path.join(home, '.shapesweep', 'token'), 'ssw_from_file\n');
    const io = (env: Record<string, string>) => ({ env: { HOME: home, ...env }, cwd: home });
    expect(resolveToken('ssw_flag', io({ SHAPESWEEP_TOKEN: 'ssw_env' }))).toBe('ssw_flag');
    expect(resolveToken(undefined, io({ SHAPESWEEP_TOKEN: 'ssw_env' }))).toBe('ssw_env');
    expect(resolveToken(undefined, io({}))).toBe('ssw_from_file');
    expect(resolveToken(undefined, io({ SHAPESWEEP_TOKEN_FILE: path.join(home, 'missing') }))).toBeNull();
  });

  it('defaults to the local api and rejects what is not an http URL', () => {
    expect(resolveApiUrl(undefined, {})).toBe('http://127.0.0.1:8080');
    expect(resolveApiUrl(undefined, { SHAPESWEEP_API: 'http://box:9000/' })).toBe('http://box:9000');
    expect(() => resolveApiUrl('box:9000', {})).toThrow('--api: "box:9000" must be an http:// or https:// URL');
    expect(() => resolveApiUrl('not a url', {})).toThrow('--api: "not a url" is not a URL');
  });
});
