import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@shapesweep/db/testing';
import { expectedDatabase, parsePrismaSchema } from './prisma-schema.js';
import { compareSchemas, introspect } from './schema-drift.js';

// Source, not dist: the test reads the real prisma/schema.prisma of this checkout.
const SCHEMA_FILE = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'prisma', 'schema.prisma');
const schemaText = readFileSync(SCHEMA_FILE, 'utf8');

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  await db?.drop();
});

/** Inserts `line` as the last line of model `model` in a copy of schema.prisma. */
function withLineInModel(model: string, line: string): string {
  const start = schemaText.indexOf(`model ${model} {`);
  const end = schemaText.indexOf('\n}', start);
  expect(start).toBeGreaterThanOrEqual(0);
  return `${schemaText.slice(0, end)}\n  ${line}${schemaText.slice(end)}`;
}

describe('schema.prisma versus the migrated database', () => {
  it('matches the migrations in every model, column, type, nullability, default, key, index and foreign key', async () => {
    const expected = expectedDatabase(parsePrismaSchema(schemaText));
    const actual = await introspect(db.pool, db.schema);
    expect(compareSchemas(expected, actual)).toEqual([]);
    // Not a vacuous pass: every model became a table with columns, and the keys were compared.
    expect(actual.tables.map((t) => t.name).sort()).toEqual(expected.tables.map((t) => t.name).sort());
    expect(expected.tables.length).toBeGreaterThanOrEqual(9);
    expect(actual.tables.flatMap((t) => t.foreignKeys).length).toBeGreaterThanOrEqual(7);
  });

  it('reports a column added to schema.prisma without a migration as missing', async () => {
    const drifted = withLineInModel('Sweep', 'archivedNote String? @map("archived_note")');
    const problems = compareSchemas(expectedDatabase(parsePrismaSchema(drifted)), await introspect(db.pool, db.schema));
    expect(problems).toEqual(['missing column sweep.archived_note (text, NULL)']);
  });

  it('reports a changed nullability, default, index and relation action', async () => {
    let drifted = schemaText.replace('  priority       Int         @default(0)', '  priority       Int?        @default(1)');
    drifted = drifted.replace('  @@index([createdAt])\n  @@map("sweep")', '  @@index([createdAt])\n  @@index([name])\n  @@map("sweep")');
    drifted = drifted.replace('worker      Worker?           @relation(fields: [workerId], references: [id], onDelete: SetNull)', 'worker      Worker?           @relation(fields: [workerId], references: [id], onDelete: Cascade)');
    expect(drifted).not.toBe(schemaText);
    const problems = compareSchemas(expectedDatabase(parsePrismaSchema(drifted)), await introspect(db.pool, db.schema));
    expect(problems.sort()).toEqual([
      'column sweep.priority: NOT NULL, expected NULL',
      'column sweep.priority: default 0, expected 1',
      'foreign key run.run_worker_id_fkey: (worker_id) → worker(id) ON DELETE SET NULL ON UPDATE CASCADE, expected (worker_id) → worker(id) ON DELETE CASCADE ON UPDATE CASCADE',
      'missing index sweep.sweep_name_idx ((name))',
    ]);
  });

  it('reports a partial index whose predicate or partiality differs', async () => {
    const partial = `@@index([params], map: "run_succeeded_params_idx", where: raw("status = 'SUCCEEDED'"))`;
    expect(schemaText).toContain(partial);
    const otherPredicate = schemaText.replace(partial, partial.replace("'SUCCEEDED'", "'FAILED'"));
    const full = schemaText.replace(partial, '@@index([params], map: "run_succeeded_params_idx")');
    const compare = async (text: string) => compareSchemas(expectedDatabase(parsePrismaSchema(text)), await introspect(db.pool, db.schema));
    expect(await compare(otherPredicate)).toEqual([
      "index run.run_succeeded_params_idx: (params) WHERE status = 'SUCCEEDED', expected (params) WHERE status = 'FAILED'",
    ]);
    expect(await compare(full)).toEqual(["index run.run_succeeded_params_idx: (params) WHERE status = 'SUCCEEDED', expected (params)"]);
  });

  it('reports a table the migrations created that schema.prisma does not model', async () => {
    const withoutToken = schemaText.replace(/model ApiToken \{[\s\S]*?\n\}\n/, '');
    const problems = compareSchemas(expectedDatabase(parsePrismaSchema(withoutToken)), await introspect(db.pool, db.schema));
    expect(problems).toEqual(['unexpected table api_token']);
  });

  it('has the raw-SQL objects schema.prisma documents but cannot model: the metric_point view and the cascade trigger', async () => {
    const view = await db.pool.query(`SELECT 1 FROM pg_views WHERE schemaname = $1 AND viewname = 'metric_point'`, [db.schema]);
    expect(view.rowCount).toBe(1);
    const trigger = await db.pool.query(
      `SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = 'metric_series' AND t.tgname = 'metric_series_delete_values'`,
      [db.schema],
    );
    expect(trigger.rowCount).toBe(1);
  });
});
