// Applies the SQL migrations in prisma/migrations and records them in `_prisma_migrations` exactly as Prisma Migrate
// does, so `prisma migrate deploy` / `migrate status` agree with this runner wherever Prisma's engine is available.
// (Prisma's schema engine is a native binary that cannot be downloaded here; this runner needs only `pg`.)
//
// Guarantees:
//  - one session holds a Postgres advisory lock for the whole run, so an api and N workers starting together apply
//    each migration once (the others wait, then find nothing to do);
//  - each migration runs in its own transaction together with its `_prisma_migrations` row: it lands completely or
//    not at all (Postgres DDL is transactional);
//  - an applied migration whose file changed since (checksum differs) stops everything with MIGRATION_CHANGED.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ShapesweepError } from '@shapesweep/contract';
import { assertSchemaName, parseDatabaseUrl, redactUrl } from './database.js';

/**
 * The advisory lock key Prisma Migrate itself takes (72707369, "prisma" on a phone keypad), so this runner and
 * `prisma migrate deploy` also exclude each other. Advisory locks are per database, not per schema.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Postgres URL; `?schema=` is honoured like in {@link createDatabase}. */
  url: string;
  /** Schema to migrate (created if missing). Default: the URL's `?schema=`, else `public`. */
  schema?: string;
  /** Folder of `<timestamp>_<name>/migration.sql`. Default: the repository's `prisma/migrations`. */
  migrationsDir?: string;
  /** Receives one line per applied migration. Default: silent. */
  logger?: (line: string) => void;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied (checksum verified). */
  skipped: string[];
}

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 of the file's bytes, lowercase hex: the value Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** `prisma/migrations` of this repository: dist/ (or src/) → packages/db → packages → root. */
export function defaultMigrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'prisma', 'migrations');
}

/** Reads every migration folder in name order (Prisma's timestamps make name order the creation order). */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  if (!existsSync(migrationsDir)) {
    throw new Error(`migrationsDir: ${migrationsDir} does not exist`);
  }
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    if (!existsSync(file)) continue; // Prisma ignores folders without a migration.sql too.
    const bytes = await readFile(file);
    migrations.push({ name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') });
  }
  return migrations;
}

/** The table exactly as Prisma Migrate creates it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Applies every pending migration; see the file comment for the guarantees. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { connectionString, schema: urlSchema } = parseDatabaseUrl(options.url);
  const schema = assertSchemaName(options.schema ?? urlSchema ?? 'public');
  const log = options.logger ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir());

  const client = new pg.Client({ connectionString, application_name: 'shapesweep-migrate' });
  try {
    await client.connect();
  } catch (err) {
    throw new ShapesweepError('DATABASE_UNAVAILABLE', `cannot connect to ${redactUrl(options.url)}: ${(err as Error).message}`, { cause: err });
  }
  // A connection error after connect (Postgres restarted) surfaces as a failed query; this only prevents a crash.
  client.on('error', () => {});
  try {
    // Session-level lock: held across the per-migration transactions, released on unlock or disconnect.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET search_path TO "${schema}"`);
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const live = rows.filter((r) => r.rolled_back_at === null);
      const failed = live.filter((r) => r.finished_at === null);
      if (failed.length > 0) {
        // Only Prisma's own engine leaves such rows (this runner rolls back instead); resolving them is a human call.
        throw new ShapesweepError(
          'INTERNAL',
          `schema "${schema}": migration ${failed.map((r) => r.migration_name).join(', ')} started but never finished; ` +
            'inspect the database, then mark it with `npx prisma migrate resolve --rolled-back <name>` or `--applied <name>`',
        );
      }
      const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
      const known = new Set(migrations.map((m) => m.name));
      for (const name of applied.keys()) {
        if (!known.has(name)) log(`migrate: ${name} is applied in schema "${schema}" but has no folder in the migrations directory`);
      }

      const result: MigrateResult = { applied: [], skipped: [] };
      for (const migration of migrations) {
        const checksum = applied.get(migration.name);
        if (checksum !== undefined) {
          if (checksum !== migration.checksum) {
            throw new ShapesweepError(
              'MIGRATION_CHANGED',
              `migration ${migration.name} was changed after it was applied to schema "${schema}" ` +
                `(recorded checksum ${checksum.slice(0, 12)}…, file now ${migration.checksum.slice(0, 12)}…). ` +
                'Restore the original file and put the change in a new migration.',
              { details: [`${migration.name}/migration.sql: checksum ${migration.checksum} != applied ${checksum}`] },
            );
          }
          result.skipped.push(migration.name);
          continue;
        }
        await applyOne(client, migration, schema);
        result.applied.push(migration.name);
        log(`migrate: applied ${migration.name} to schema "${schema}"`);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

async function applyOne(client: pg.Client, migration: MigrationFile, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    const startedAt = new Date();
    // finished_at is clock_timestamp(), not now(): now() is the transaction's start, which precedes startedAt.
    // Simple-query protocol (no parameters) runs a multi-statement script in one round trip.
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if (err instanceof ShapesweepError) throw err;
    throw new ShapesweepError('INTERNAL', `migration ${migration.name} failed on schema "${schema}" and was rolled back: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
