import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, readMigrations } from '@shapesweep/db';
import { createTestDatabase, type TestDatabase } from '@shapesweep/db/testing';

const created: TestDatabase[] = [];
/** The migrations this checkout ships (oldest first); the temp folders add two after them. */
const shipped = (await readMigrations(defaultMigrationsDir())).map((m) => m.name);
const extra = ['29990101000000_add_note', '29990102000000_add_note_index'];
const all = [...shipped, ...extra];
const tempDirs: string[] = [];

async function emptySchema(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false, poolMax: 2 });
  created.push(db);
  return db;
}

/** A copy of the real migrations plus two small ones, in a temp folder the test may edit. */
function tempMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shapesweep-migrations-'));
  tempDirs.push(dir);
  cpSync(defaultMigrationsDir(), dir, { recursive: true });
  mkdirSync(path.join(dir, '29990101000000_add_note'));
  writeFileSync(path.join(dir, '29990101000000_add_note', 'migration.sql'), 'ALTER TABLE "sweep" ADD COLUMN "note" TEXT;\n');
  mkdirSync(path.join(dir, '29990102000000_add_note_index'));
  writeFileSync(path.join(dir, '29990102000000_add_note_index', 'migration.sql'), 'CREATE INDEX "sweep_note_idx" ON "sweep"("note");\n');
  return dir;
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.all(created.map((db) => db.drop()));
});

describe('migrate', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await emptySchema();
  });

  it('applies every migration once and nothing on a second run', async () => {
    const migrationsDir = tempMigrations();
    const first = await migrate({ url: db.url, migrationsDir });
    expect(first.applied).toEqual(all);
    expect(first.skipped).toEqual([]);

    const second = await migrate({ url: db.url, migrationsDir });
    expect(second).toEqual({ applied: [], skipped: first.applied });
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(rows[0]!.n)).toBe(all.length);
  });

  it('records each migration in _prisma_migrations the way Prisma Migrate does', async () => {
    await migrate({ url: db.url });
    const { rows } = await db.pool.query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
      logs: string | null;
    }>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(shipped);
    const row = rows[0]!;
    const file = readFileSync(path.join(defaultMigrationsDir(), '20251126231500_init', 'migration.sql'));
    expect(row.migration_name).toBe('20251126231500_init');
    expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  });

  it('refuses to run, naming the migration, when an applied migration file was changed', async () => {
    const migrationsDir = tempMigrations();
    await migrate({ url: db.url, migrationsDir });
    appendFileSync(path.join(migrationsDir, '29990101000000_add_note', 'migration.sql'), 'ALTER TABLE "sweep" ADD COLUMN "other" TEXT;\n');
    mkdirSync(path.join(migrationsDir, '29990103000000_later'));
    writeFileSync(path.join(migrationsDir, '29990103000000_later', 'migration.sql'), 'ALTER TABLE "sweep" ADD COLUMN "later" TEXT;\n');

    const refusal = migrate({ url: db.url, migrationsDir });
    await expect(refusal).rejects.toMatchObject({ code: 'MIGRATION_CHANGED', status: 500 });
    await expect(refusal).rejects.toThrow(/migration 29990101000000_add_note was changed after it was applied/);
    // Nothing after the refusal ran.
    const { rows } = await db.pool.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'sweep' AND column_name IN ('other', 'later')`,
      [db.schema],
    );
    expect(rows).toEqual([]);
  });

  it('applies each migration exactly once when several processes migrate at the same time', async () => {
    const migrationsDir = tempMigrations();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate({ url: db.url, migrationsDir })));
    const appliedCounts = new Map<string, number>();
    for (const result of results) for (const name of result.applied) appliedCounts.set(name, (appliedCounts.get(name) ?? 0) + 1);
    expect([...appliedCounts.values()]).toEqual(all.map(() => 1));
    for (const result of results) expect([...result.applied, ...result.skipped].sort()).toHaveLength(all.length);
    const { rows } = await db.pool.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual([...appliedCounts.keys()].sort());
  });

  it('npm run db:migrate from two processes at once applies each migration once and reports what it did', async () => {
    const migrationsDir = tempMigrations();
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'migrate-cli.js');
    const env = { ...process.env, DATABASE_URL: db.url, MIGRATIONS_DIR: migrationsDir };
    const outputs = await Promise.all([0, 1].map(() => promisify(execFile)(process.execPath, [cli], { env }).then((r) => r.stdout)));
    const summaries = outputs.map((out) => out.trim().split('\n').at(-1));
    expect(summaries.sort()).toEqual([
      expect.stringMatching(new RegExp(`: 0 applied, ${all.length} already applied$`)),
      expect.stringMatching(new RegExp(`: ${all.length} applied, 0 already applied$`)),
    ]);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(rows[0]!.n)).toBe(all.length);
  });

  it('rolls a failing migration back completely and records nothing, so a fixed file applies cleanly', async () => {
    const migrationsDir = tempMigrations();
    const broken = path.join(migrationsDir, '29990102000000_add_note_index', 'migration.sql');
    writeFileSync(broken, 'ALTER TABLE "sweep" ADD COLUMN "half" TEXT;\nCREATE INDEX "x" ON "no_such_table"("id");\n');
    await expect(migrate({ url: db.url, migrationsDir })).rejects.toThrow(/29990102000000_add_note_index failed .* rolled back: relation "no_such_table" does not exist/);
    const half = await db.pool.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'half'`, [db.schema]);
    expect(half.rows).toEqual([]);

    writeFileSync(broken, 'CREATE INDEX "sweep_note_idx" ON "sweep"("note");\n');
    const fixed = await migrate({ url: db.url, migrationsDir });
    expect(fixed).toEqual({ applied: ['29990102000000_add_note_index'], skipped: [...shipped, '29990101000000_add_note'] });
  });
});
