import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ApiConfigSchema, MigrateConfigSchema, WorkerConfigSchema } from './config.js';

// No Docker engine runs where the tests run, so this reads docker-compose.yml and checks its wiring instead.
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }> | string[];
  restart?: string;
  deploy?: { resources?: { reservations?: { devices?: Array<{ driver?: string; count?: number | string; capabilities?: string[] }> } } };
}
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** The app behind each service that runs shapesweep code, and the schema its environment is parsed with. */
const APP_SCHEMAS: Record<string, z.ZodObject> = { migrate: MigrateConfigSchema, api: ApiConfigSchema, worker: WorkerConfigSchema };

/** Environment as a map; `${VAR:-default}` interpolation resolved to its default, as compose does with VAR unset. */
function environmentOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw) ? raw.map((line) => line.split(/=(.*)/s, 2) as [string, string]) : Object.entries(raw).map(([k, v]) => [k, String(v ?? '')] as [string, string]);
  return Object.fromEntries(entries.map(([key, value]) => [key, (value ?? '').replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
}

function commandOf(service: Service): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

function dependsOn(service: Service, other: string): string | undefined {
  const deps = service.depends_on;
  if (deps === undefined) return undefined;
  if (Array.isArray(deps)) return deps.includes(other) ? 'service_started' : undefined;
  return deps[other] === undefined ? undefined : (deps[other].condition ?? 'service_started');
}

describe('docker-compose.yml', () => {
  it('has redis, postgres, migrate, api and worker services', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
  });

  it.each(Object.keys(APP_SCHEMAS))('sets only variables the %s config schema accepts, with values it parses', (name) => {
    const schema = APP_SCHEMAS[name]!;
    const env = environmentOf(services[name]!);
    const accepted = new Set(Object.keys(schema.shape));
    expect(Object.keys(env).filter((key) => !accepted.has(key)), `${name}: variables its config schema does not know`).toEqual([]);
    const parsed = schema.safeParse(env);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    // Inside the compose network the apps reach the services by name, never through localhost.
    if ('DATABASE_URL' in env) expect(env['DATABASE_URL']).toMatch(/@postgres:5432\//);
    if ('REDIS_URL' in env) expect(env['REDIS_URL']).toMatch(/^redis:\/\/redis:6379/);
  });

  it('runs every app entry point the Dockerfile builds', () => {
    expect(commandOf(services['migrate']!)).toMatch(/migrate-cli\.js|db:migrate/);
    expect(commandOf(services['api']!)).toMatch(/apps\/api\/dist\/main\.js/);
    expect(commandOf(services['worker']!)).toMatch(/apps\/worker\/dist\/main\.js/);
    expect(services['migrate']!.restart).toBe('no');
  });

  it('gives redis and postgres healthchecks that the apps wait for', () => {
    expect(commandOf({ command: services['redis']!.healthcheck?.test ?? [] })).toMatch(/redis-cli ping/);
    expect(commandOf({ command: services['postgres']!.healthcheck?.test ?? [] })).toMatch(/pg_isready/);
    expect(dependsOn(services['migrate']!, 'postgres')).toBe('service_healthy');
    for (const app of ['api', 'worker']) expect(dependsOn(services[app]!, 'redis'), app).toBe('service_healthy');
  });

  it('makes the api and the worker wait until the migration completed successfully', () => {
    for (const app of ['api', 'worker']) expect(dependsOn(services[app]!, 'migrate'), app).toBe('service_completed_successfully');
  });

  it('runs redis with AOF persistence and the noeviction policy BullMQ requires', () => {
    const command = commandOf(services['redis']!);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('keeps postgres data on a volume', () => {
    expect(JSON.stringify((services['postgres'] as { volumes?: unknown }).volumes)).toContain(':/var/lib/postgresql/data');
  });

  it('reserves one NVIDIA GPU per worker replica', () => {
    const devices = services['worker']!.deploy?.resources?.reservations?.devices ?? [];
    expect(devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    expect(environmentOf(services['worker']!)['WORKER_SLOTS']).toBe('1');
  });
});
