// Reads a Postgres schema from the catalogs and lists every difference from what schema.prisma says it should be.
// Used by schema-drift.int.test.ts; also handy by hand after writing a migration:
//   compareSchemas(expectedDatabase(parsePrismaSchema(text)), await introspect(pool, 'public'))
import type pg from 'pg';
import { normalisePredicate, type ExpectedDatabase, type ExpectedForeignKey, type ExpectedIndex, type ExpectedTable, type ReferentialAction } from './prisma-schema.js';

/** Tables that live next to the models but are not modelled: the migration log. */
const UNMODELLED_TABLES = new Set(['_prisma_migrations']);

const ACTION_CODES: Record<string, ReferentialAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Enums, tables (ordinary relations only), columns, indexes and foreign keys of one schema. */
export async function introspect(pool: pg.Pool, schema: string): Promise<ExpectedDatabase> {
  const enums = await pool.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE n.nspname = $1 GROUP BY t.typname ORDER BY t.typname`,
    [schema],
  );
  // format_type() qualifies a type with its schema unless that schema is on the search_path; strip the prefix so
  // "t_abc.run_status" and "run_status" compare equal.
  const columns = await pool.query<{ table: string; name: string; type: string; nullable: boolean; default: string | null }>(
    `SELECT c.relname AS table, a.attname AS name,
            regexp_replace(format_type(a.atttypid, a.atttypmod), '^"?' || $1 || '"?\\.', '') AS type,
            NOT a.attnotnull AS nullable,
            regexp_replace(pg_get_expr(d.adbin, d.adrelid), '''"?' || $1 || '"?\\.', '''', 'g') AS default
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
     ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const indexes = await pool.query<{ table: string; name: string; columns: string[]; unique: boolean; primary: boolean; predicate: string | null; expression: boolean }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            pg_get_expr(x.indpred, x.indrelid) AS predicate, x.indexprs IS NOT NULL AS expression,
            ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND t.relkind IN ('r', 'p')`,
    [schema],
  );
  const foreignKeys = await pool.query<{ table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string; on_update: string }>(
    `SELECT t.relname AS table, c.conname AS name, r.relname AS ref_table,
            c.confdeltype AS on_delete, c.confupdtype AS on_update,
            ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = $1 AND c.contype = 'f'`,
    [schema],
  );

  const tables = new Map<string, ExpectedTable>();
  const tableNamed = (name: string): ExpectedTable => {
    let table = tables.get(name);
    if (table === undefined) tables.set(name, (table = { name, columns: [], indexes: [], foreignKeys: [] }));
    return table;
  };
  for (const c of columns.rows) {
    if (UNMODELLED_TABLES.has(c.table)) continue;
    tableNamed(c.table).columns.push({ name: c.name, type: c.type, nullable: c.nullable, default: c.default });
  }
  for (const i of indexes.rows) {
    if (UNMODELLED_TABLES.has(i.table)) continue;
    // Prisma never creates expression indexes; show one as a column list that cannot match.
    const cols = i.expression || i.columns.length === 0 ? [...i.columns, '(expression)'] : i.columns;
    tableNamed(i.table).indexes.push({ name: i.name, columns: cols, unique: i.unique, primary: i.primary, ...(i.predicate === null ? {} : { where: normalisePredicate(i.predicate) }) });
  }
  for (const f of foreignKeys.rows) {
    tableNamed(f.table).foreignKeys.push({
      name: f.name,
      columns: f.columns,
      refTable: f.ref_table,
      refColumns: f.ref_columns,
      onDelete: ACTION_CODES[f.on_delete] ?? 'NO ACTION',
      onUpdate: ACTION_CODES[f.on_update] ?? 'NO ACTION',
    });
  }
  return { enums: enums.rows, tables: [...tables.values()] };
}

/**
 * Every difference between the expected and the actual schema, one readable line each ("missing column
 * sweep.note (text, NULL)"); empty when they agree.
 */
export function compareSchemas(expected: ExpectedDatabase, actual: ExpectedDatabase): string[] {
  const problems: string[] = [];
  diffByName(expected.enums, actual.enums, 'enum', problems, (e, a) => {
    if (e.values.join(',') !== a.values.join(',')) problems.push(`enum ${e.name}: values [${a.values.join(', ')}], expected [${e.values.join(', ')}]`);
  });
  diffByName(expected.tables, actual.tables, 'table', problems, (e, a) => {
    diffByName(
      e.columns,
      a.columns,
      `column ${e.name}.`,
      problems,
      (ec, ac) => {
        if (ec.type !== ac.type) problems.push(`column ${e.name}.${ec.name}: type ${ac.type}, expected ${ec.type}`);
        if (ec.nullable !== ac.nullable) problems.push(`column ${e.name}.${ec.name}: ${ac.nullable ? 'NULL' : 'NOT NULL'}, expected ${ec.nullable ? 'NULL' : 'NOT NULL'}`);
        if (ec.default !== ac.default) problems.push(`column ${e.name}.${ec.name}: default ${ac.default ?? '(none)'}, expected ${ec.default ?? '(none)'}`);
      },
      (c) => `${c.type}, ${c.nullable ? 'NULL' : 'NOT NULL'}${c.default === null ? '' : `, DEFAULT ${c.default}`}`,
    );
    diffByName(e.indexes, a.indexes, `index ${e.name}.`, problems, (ei, ai) => {
      if (describeIndex(ei) !== describeIndex(ai)) problems.push(`index ${e.name}.${ei.name}: ${describeIndex(ai)}, expected ${describeIndex(ei)}`);
    }, describeIndex);
    diffByName(e.foreignKeys, a.foreignKeys, `foreign key ${e.name}.`, problems, (ef, af) => {
      if (describeForeignKey(ef) !== describeForeignKey(af)) problems.push(`foreign key ${e.name}.${ef.name}: ${describeForeignKey(af)}, expected ${describeForeignKey(ef)}`);
    }, describeForeignKey);
  });
  return problems;
}

function describeIndex(i: ExpectedIndex): string {
  return `${i.primary ? 'PRIMARY KEY ' : i.unique ? 'UNIQUE ' : ''}(${i.columns.join(', ')})${i.where === undefined ? '' : ` WHERE ${i.where}`}`;
}

function describeForeignKey(f: ExpectedForeignKey): string {
  return `(${f.columns.join(', ')}) → ${f.refTable}(${f.refColumns.join(', ')}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`;
}

function diffByName<T extends { name: string }>(
  expected: readonly T[],
  actual: readonly T[],
  label: string,
  problems: string[],
  compare: (e: T, a: T) => void,
  describe?: (item: T) => string,
): void {
  // "column sweep." + "note" vs "table " + "sweep": a trailing dot means the label already holds the owner.
  const full = (item: T) => (label.endsWith('.') ? `${label}${item.name}` : `${label} ${item.name}`);
  const detail = (item: T) => (describe === undefined ? '' : ` (${describe(item)})`);
  const actualByName = new Map(actual.map((a) => [a.name, a]));
  const expectedNames = new Set(expected.map((e) => e.name));
  for (const e of expected) {
    const a = actualByName.get(e.name);
    if (a === undefined) problems.push(`missing ${full(e)}${detail(e)}`);
    else compare(e, a);
  }
  for (const a of actual) if (!expectedNames.has(a.name)) problems.push(`unexpected ${full(a)}${detail(a)}`);
}
