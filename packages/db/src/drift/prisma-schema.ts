// A small reader of the subset of the Prisma schema language this repository uses (models, enums, field attributes
// @id @unique @default @map @updatedAt @db.* @relation, block attributes @@id @@unique @@index @@map), and the
// Postgres schema Prisma Migrate would create from it — tables, columns (type, nullability, default), primary keys,
// unique and plain indexes, foreign keys — with Prisma's own naming conventions. The drift test compares that
// expectation with what the SQL migrations actually build. (Prisma's own DMMF lives in @prisma/internals, which is
// not a dependency here; the subset below is small and its rules are the documented Prisma → Postgres mapping.)

/** An attribute argument: a literal, an identifier, a function call, a list, or `name: value`. */
export type AttrValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'ident'; value: string }
  | { kind: 'call'; name: string; args: AttrArg[] }
  | { kind: 'list'; items: AttrValue[] };
export interface AttrArg {
  name?: string;
  value: AttrValue;
}
export interface Attribute {
  /** Without the @ / @@: "id", "default", "db.Timestamptz", "index", ... */
  name: string;
  args: AttrArg[];
}
export interface PrismaField {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: Attribute[];
}
export interface PrismaModel {
  name: string;
  fields: PrismaField[];
  attributes: Attribute[];
}
export interface PrismaEnum {
  name: string;
  values: string[];
  dbName: string;
}
export interface PrismaSchema {
  models: PrismaModel[];
  enums: PrismaEnum[];
}

/** Parses models and enums; generator/datasource blocks are skipped. Throws with the line number on what it cannot read. */
export function parsePrismaSchema(source: string): PrismaSchema {
  const lines = source.split('\n').map((line) => stripComment(line).trim());
  const schema: PrismaSchema = { models: [], enums: [] };
  for (let i = 0; i < lines.length; i++) {
    const header = /^(model|enum|generator|datasource|view|type)\s+(\w+)\s*\{$/.exec(lines[i]!);
    if (header === null) {
      if (lines[i] !== '') throw new Error(`schema.prisma:${i + 1}: expected a block, found ${JSON.stringify(lines[i])}`);
      continue;
    }
    const [, kind, name] = header as unknown as [string, string, string];
    const body: Array<{ text: string; line: number }> = [];
    for (i++; i < lines.length && lines[i] !== '}'; i++) if (lines[i] !== '') body.push({ text: lines[i]!, line: i + 1 });
    if (kind === 'model') schema.models.push(parseModel(name, body));
    else if (kind === 'enum') schema.enums.push(parseEnum(name, body));
    else if (kind === 'view' || kind === 'type') throw new Error(`schema.prisma: ${kind} blocks are not supported by this reader`);
  }
  return schema;
}

function parseModel(name: string, body: Array<{ text: string; line: number }>): PrismaModel {
  const model: PrismaModel = { name, fields: [], attributes: [] };
  for (const { text, line } of body) {
    if (text.startsWith('@@')) {
      model.attributes.push(...parseAttributes(text, line));
      continue;
    }
    const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(text);
    if (m === null) throw new Error(`schema.prisma:${line}: cannot read field ${JSON.stringify(text)}`);
    model.fields.push({ name: m[1]!, type: m[2]!, list: m[3] !== undefined, optional: m[4] !== undefined, attributes: parseAttributes(m[5]!, line) });
  }
  return model;
}

function parseEnum(name: string, body: Array<{ text: string; line: number }>): PrismaEnum {
  const values: string[] = [];
  let dbName = name;
  for (const { text, line } of body) {
    if (text.startsWith('@@')) {
      const map = parseAttributes(text, line).find((a) => a.name === 'map');
      if (map !== undefined) dbName = stringArg(map, 0);
    } else values.push(text.split(/\s+/)[0]!);
  }
  return { name, values, dbName };
}

function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') inString = !inString;
    if (!inString && c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

/** Reads `@a @b(args) @@c([x, y], map: "z")` — a tiny recursive-descent parser over one line. */
export function parseAttributes(text: string, line: number): Attribute[] {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`schema.prisma:${line}: ${what} at ${JSON.stringify(text.slice(pos))}`);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const ident = (): string => {
    const m = /^[A-Za-z_][\w.]*/.exec(text.slice(pos));
    if (m === null) return fail('expected a name');
    pos += m[0].length;
    return m[0];
  };
  const value = (): AttrValue => {
    skip();
    const c = text[pos];
    if (c === '"') {
      const m = /^"((?:[^"\\]|\\.)*)"/.exec(text.slice(pos));
      if (m === null) return fail('unterminated string');
      pos += m[0].length;
      return { kind: 'string', value: m[1]!.replace(/\\(.)/g, '$1') };
    }
    if (c === '[') {
      pos++;
      const items: AttrValue[] = [];
      skip();
      while (text[pos] !== ']') {
        items.push(value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ']') fail('expected , or ]');
        skip();
      }
      pos++;
      return { kind: 'list', items };
    }
    const num = /^-?\d+(\.\d+)?/.exec(text.slice(pos));
    if (num !== null) {
      pos += num[0].length;
      return { kind: 'number', value: num[0] };
    }
    const name = ident();
    if (text[pos] === '(') return { kind: 'call', name, args: args() };
    return { kind: 'ident', value: name };
  };
  const args = (): AttrArg[] => {
    const out: AttrArg[] = [];
    pos++; // (
    skip();
    while (text[pos] !== ')') {
      if (pos >= text.length) fail('unterminated arguments');
      const named = /^(\w+)\s*:/.exec(text.slice(pos));
      if (named !== null) {
        pos += named[0].length;
        out.push({ name: named[1]!, value: value() });
      } else out.push({ value: value() });
      skip();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') fail('expected , or )');
      skip();
      if (pos >= text.length) fail('unterminated arguments');
    }
    pos++;
    return out;
  };
  const attributes: Attribute[] = [];
  skip();
  while (pos < text.length) {
    if (text[pos] !== '@') fail('expected an attribute');
    pos += text[pos + 1] === '@' ? 2 : 1;
    const name = ident();
    attributes.push({ name, args: text[pos] === '(' ? args() : [] });
    skip();
  }
  return attributes;
}

function stringArg(attr: Attribute, index: number): string {
  const v = attr.args[index]?.value;
  if (v?.kind !== 'string') throw new Error(`@${attr.name}: expected a string argument`);
  return v.value;
}

function namedArg(attr: Attribute, name: string): AttrValue | undefined {
  return attr.args.find((a) => a.name === name)?.value;
}

function fieldList(attr: Attribute, name?: string): string[] {
  const v = name === undefined ? attr.args.find((a) => a.name === undefined || a.name === 'fields')?.value : namedArg(attr, name);
  if (v?.kind !== 'list') throw new Error(`@${attr.name}: expected a field list`);
  return v.items.map((item) => {
    // `@@index([value(sort: Desc)])` would be a call; this repository does not use sort orders.
    if (item.kind !== 'ident') throw new Error(`@${attr.name}: only plain field names are supported`);
    return item.value;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The Postgres schema Prisma Migrate would create.

export interface ExpectedColumn {
  name: string;
  /** As Postgres' format_type() prints it: "text", "integer", "timestamp(3) with time zone", "text[]", "run_status". */
  type: string;
  nullable: boolean;
  /** As pg_get_expr() prints it, or null for none. */
  default: string | null;
}
export interface ExpectedIndex {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  /** Predicate of a partial index (`where: raw("…")`), normalised by normalisePredicate; absent for a full index. */
  where?: string;
}

/**
 * A partial-index predicate in a form both sides can be compared in: Postgres prints `status = 'SUCCEEDED'` back as
 * `(status = 'SUCCEEDED'::run_status)`, so casts, identifier quotes, parentheses and spacing are dropped. Enough for
 * the simple column-versus-literal predicates this schema uses; not a SQL parser.
 */
export function normalisePredicate(sql: string): string {
  return sql
    .replace(/::[a-z_][a-z0-9_]*(\[\])?/gi, '')
    .replace(/"([a-z_][a-z0-9_]*)"/gi, '$1')
    .replace(/[()]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The `where: raw("…")` predicate of an @@index / @@unique, normalised; undefined without one. */
function wherePredicate(attr: Attribute): string | undefined {
  const where = namedArg(attr, 'where');
  if (where === undefined) return undefined;
  const sql = where.kind === 'call' && where.name === 'raw' ? where.args[0]?.value : undefined;
  if (sql?.kind !== 'string') throw new Error(`@@${attr.name}: only where: raw("…") predicates are supported by this reader`);
  return normalisePredicate(sql.value);
}
export interface ExpectedForeignKey {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}
export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';
export interface ExpectedTable {
  name: string;
  columns: ExpectedColumn[];
  indexes: ExpectedIndex[];
  foreignKeys: ExpectedForeignKey[];
}
export interface ExpectedDatabase {
  enums: Array<{ name: string; values: string[] }>;
  tables: ExpectedTable[];
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};

/** Native type attributes (`@db.X(args)`) and how format_type() prints them. */
function nativeType(attr: Attribute): string {
  const arg = attr.args[0]?.value;
  const precision = arg?.kind === 'number' ? arg.value : undefined;
  switch (attr.name) {
    case 'db.Timestamptz':
      return `timestamp(${precision ?? '6'}) with time zone`;
    case 'db.Timestamp':
      return `timestamp(${precision ?? '6'}) without time zone`;
    case 'db.Text':
      return 'text';
    case 'db.Uuid':
      return 'uuid';
    case 'db.VarChar':
      return precision === undefined ? 'character varying' : `character varying(${precision})`;
    case 'db.Integer':
      return 'integer';
    case 'db.SmallInt':
      return 'smallint';
    case 'db.Real':
      return 'real';
    case 'db.DoublePrecision':
      return 'double precision';
    case 'db.JsonB':
      return 'jsonb';
    case 'db.Date':
      return 'date';
    default:
      throw new Error(`@${attr.name}: native type not supported by this reader`);
  }
}

function mapName(attributes: Attribute[], fallback: string): string {
  const map = attributes.find((a) => a.name === 'map');
  return map === undefined ? fallback : stringArg(map, 0);
}

function explicitName(attr: Attribute): string | undefined {
  const v = namedArg(attr, 'map') ?? namedArg(attr, 'name');
  return v?.kind === 'string' ? v.value : undefined;
}

const ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** The tables, columns, keys and indexes Prisma Migrate creates for `schema` (PostgreSQL provider). */
export function expectedDatabase(schema: PrismaSchema): ExpectedDatabase {
  const enums = new Map(schema.enums.map((e) => [e.name, e]));
  const models = new Map(schema.models.map((m) => [m.name, m]));
  const tableOf = (model: PrismaModel) => mapName(model.attributes, model.name);
  const columnOf = (model: PrismaModel, fieldName: string): string => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (field === undefined) throw new Error(`${model.name}: no field ${fieldName}`);
    return mapName(field.attributes, field.name);
  };

  const tables: ExpectedTable[] = schema.models.map((model) => {
    const table = tableOf(model);
    const columns: ExpectedColumn[] = [];
    const indexes: ExpectedIndex[] = [];
    const foreignKeys: ExpectedForeignKey[] = [];
    for (const field of model.fields) {
      if (models.has(field.type)) {
        const relation = field.attributes.find((a) => a.name === 'relation');
        if (relation === undefined || namedArg(relation, 'fields') === undefined) continue; // back-relation: no column
        const target = models.get(field.type)!;
        const columns = fieldList(relation, 'fields').map((f) => columnOf(model, f));
        const onDelete = namedArg(relation, 'onDelete');
        const onUpdate = namedArg(relation, 'onUpdate');
        foreignKeys.push({
          name: explicitName(relation) ?? `${table}_${columns.join('_')}_fkey`,
          columns,
          refTable: tableOf(target),
          refColumns: fieldList(relation, 'references').map((f) => columnOf(target, f)),
          // Prisma's defaults: a required relation restricts deletes, an optional one sets null; updates cascade.
          onDelete: onDelete?.kind === 'ident' ? ACTIONS[onDelete.value]! : field.optional ? 'SET NULL' : 'RESTRICT',
          onUpdate: onUpdate?.kind === 'ident' ? ACTIONS[onUpdate.value]! : 'CASCADE',
        });
        continue;
      }
      const column = mapName(field.attributes, field.name);
      const native = field.attributes.find((a) => a.name.startsWith('db.'));
      const enumType = enums.get(field.type);
      let type = native !== undefined ? nativeType(native) : enumType !== undefined ? enumType.dbName : SCALAR_TYPES[field.type];
      if (type === undefined) throw new Error(`${model.name}.${field.name}: type ${field.type} not supported by this reader`);
      if (field.list) type = `${type}[]`;
      const defaultAttr = field.attributes.find((a) => a.name === 'default');
      columns.push({
        name: column,
        type,
        // Prisma creates scalar lists without NOT NULL.
        nullable: field.optional || field.list,
        default: defaultAttr === undefined ? null : defaultExpression(defaultAttr, { table, column, type, isEnum: enumType !== undefined }),
      });
      if (field.attributes.some((a) => a.name === 'id')) indexes.push({ name: `${table}_pkey`, columns: [column], unique: true, primary: true });
      const unique = field.attributes.find((a) => a.name === 'unique');
      if (unique !== undefined) indexes.push({ name: explicitName(unique) ?? `${table}_${column}_key`, columns: [column], unique: true, primary: false });
    }
    for (const attr of model.attributes) {
      if (attr.name === 'map') continue;
      const cols = (): string[] => fieldList(attr).map((f) => columnOf(model, f));
      const where = wherePredicate(attr);
      const partial = where === undefined ? {} : { where };
      if (attr.name === 'id') indexes.push({ name: explicitName(attr) ?? `${table}_pkey`, columns: cols(), unique: true, primary: true });
      else if (attr.name === 'unique') indexes.push({ name: explicitName(attr) ?? `${table}_${cols().join('_')}_key`, columns: cols(), unique: true, primary: false, ...partial });
      else if (attr.name === 'index') indexes.push({ name: explicitName(attr) ?? `${table}_${cols().join('_')}_idx`, columns: cols(), unique: false, primary: false, ...partial });
      else throw new Error(`${model.name}: @@${attr.name} not supported by this reader`);
    }
    return { name: table, columns, indexes, foreignKeys };
  });
  return { enums: schema.enums.map((e) => ({ name: e.dbName, values: e.values })), tables };
}

function defaultExpression(attr: Attribute, column: { table: string; column: string; type: string; isEnum: boolean }): string {
  const v = attr.args[0]?.value;
  if (v === undefined) throw new Error(`@default on ${column.table}.${column.column} has no value`);
  if (v.kind === 'call') {
    if (v.name === 'now') return 'CURRENT_TIMESTAMP';
    if (v.name === 'autoincrement') return `nextval('${column.table}_${column.column}_seq'::regclass)`;
    throw new Error(`@default(${v.name}()) on ${column.table}.${column.column}: only now() and autoincrement() become database defaults`);
  }
  if (v.kind === 'number') return v.value;
  if (v.kind === 'string') return `'${v.value.replace(/'/g, "''")}'::${column.type}`;
  if (v.kind === 'ident') {
    if (v.value === 'true' || v.value === 'false') return v.value;
    if (column.isEnum) return `'${v.value}'::${column.type}`;
  }
  throw new Error(`@default on ${column.table}.${column.column}: value not supported by this reader`);
}
