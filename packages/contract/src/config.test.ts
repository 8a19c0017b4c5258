import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiConfigSchema, MigrateConfigSchema, WorkerConfigSchema } from './config.js';
import { parseEnv } from './env.js';
import { isShapesweepError } from './errors.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SCHEMAS = { api: ApiConfigSchema, worker: WorkerConfigSchema, migrate: MigrateConfigSchema } as const;

/** `.env.example` as {KEY: value}; commented-out `# KEY=` lines document unset variables and are collected apart. */
function readEnvExample(): { set: Record<string, string>; documentedUnset: string[] } {
  const text = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  const set: Record<string, string> = {};
  const documentedUnset: string[] = [];
  for (const line of text.split('\n')) {
    const active = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (active !== null) set[active[1]!] = active[2]!;
    const unset = /^# ([A-Z][A-Z0-9_]*)=$/.exec(line);
    if (unset !== null) documentedUnset.push(unset[1]!);
  }
  return { set, documentedUnset };
}

describe('app configuration', () => {
  it('gives every api variable its documented default', () => {
    expect(parseEnv(ApiConfigSchema, {}, 'api')).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/shapesweep',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRAIN_QUEUE: 'shapesweep-train',
      API_HOST: '127.0.0.1',
      API_PORT: 8080,
      LOG_LEVEL: 'info',
      MAX_CELLS_PER_SWEEP: 10_000,
      BODY_LIMIT_BYTES: 1_048_576,
      READS_REQUIRE_TOKEN: false,
      ADMIN_TOKEN_FILE: '~/.shapesweep/token',
      RATE_LIMIT_PER_MINUTE: 120,
    });
    expect(parseEnv(ApiConfigSchema, {}, 'api').WEB_DIST_DIR).toBeUndefined();
  });

  it('gives every worker variable its documented default', () => {
    const config = parseEnv(WorkerConfigSchema, {}, 'worker');
    expect(config).toMatchObject({
      TRAIN_QUEUE: 'shapesweep-train',
      CHECKPOINT_DIR: './.data/checkpoints',
      HEARTBEAT_INTERVAL_MS: 5000,
      STALE_WORKER_MS: 30_000,
      SHUTDOWN_TIMEOUT_MS: 30_000,
      LOG_LEVEL: 'info',
    });
    expect(config.WORKER_SLOTS).toBeUndefined();
    expect(config.WORKER_DEVICES).toBeUndefined();
    expect(config.SHAPESWEEP_BACKEND).toBeUndefined();
  });

  it('coerces numbers and reads booleans by their words, not by JavaScript truthiness', () => {
    const api = parseEnv(ApiConfigSchema, { API_PORT: '9000', READS_REQUIRE_TOKEN: 'false', MAX_CELLS_PER_SWEEP: '25' }, 'api');
    expect(api.API_PORT).toBe(9000);
    expect(api.READS_REQUIRE_TOKEN).toBe(false);
    expect(parseEnv(ApiConfigSchema, { READS_REQUIRE_TOKEN: 'TRUE' }, 'api').READS_REQUIRE_TOKEN).toBe(true);
    expect(parseEnv(ApiConfigSchema, { READS_REQUIRE_TOKEN: '1' }, 'api').READS_REQUIRE_TOKEN).toBe(true);
    const worker = parseEnv(WorkerConfigSchema, { WORKER_SLOTS: '2', WORKER_DEVICES: '0,1', SHAPESWEEP_BACKEND: 'wasm' }, 'worker');
    expect(worker).toMatchObject({ WORKER_SLOTS: 2, WORKER_DEVICES: '0,1', SHAPESWEEP_BACKEND: 'wasm' });
  });

  it('names every wrong variable and its problem in one CONFIG_INVALID error', () => {
    let caught: unknown;
    try {
      parseEnv(ApiConfigSchema, { API_PORT: 'eighty', DATABASE_URL: 'mysql://x', READS_REQUIRE_TOKEN: 'maybe' }, 'api');
    } catch (err) {
      caught = err;
    }
    expect(isShapesweepError(caught)).toBe(true);
    const error = caught as Error & { code: string; details: string[] };
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^api: invalid configuration/);
    expect(error.details.map((d) => d.split(':')[0]).sort()).toEqual(['API_PORT', 'DATABASE_URL', 'READS_REQUIRE_TOKEN']);
    expect(error.message).toContain('DATABASE_URL: must be a postgresql:// URL');
  });

  it('rejects a worker device list that is not comma-separated indices and an unknown backend', () => {
    expect(() => parseEnv(WorkerConfigSchema, { WORKER_DEVICES: 'gpu0' }, 'worker')).toThrow(/WORKER_DEVICES: must be comma-separated GPU indices/);
    expect(() => parseEnv(WorkerConfigSchema, { SHAPESWEEP_BACKEND: 'cuda' }, 'worker')).toThrow(/SHAPESWEEP_BACKEND/);
    expect(() => parseEnv(WorkerConfigSchema, { WORKER_SLOTS: '0' }, 'worker')).toThrow(/WORKER_SLOTS/);
  });

  it('lists every variable of every app in .env.example, with values equal to the defaults', () => {
    const { set, documentedUnset } = readEnvExample();
    const documented = new Set([...Object.keys(set), ...documentedUnset]);
    for (const [app, schema] of Object.entries(SCHEMAS)) {
      const keys = Object.keys(schema.shape);
      expect(keys.filter((key) => !documented.has(key)), `${app} variables missing from .env.example`).toEqual([]);
      // Parsing the example's values gives exactly the defaults: the file documents them truthfully.
      const fromExample = schema.parse(Object.fromEntries(Object.entries(set).filter(([key]) => keys.includes(key))));
      expect(fromExample, `${app}: .env.example values differ from the schema defaults`).toEqual(schema.parse({}));
    }
    const known = new Set(Object.values(SCHEMAS).flatMap((schema) => Object.keys(schema.shape)));
    expect([...documented].filter((key) => !known.has(key)), 'variables in .env.example that no app reads').toEqual([]);
  });
});
