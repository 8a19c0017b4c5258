// One place that turns a Postgres URL into a Prisma client and a raw `pg` pool that share the same schema.
// The raw pool exists for the hot paths Prisma is slow at (COPY ingest, budget and frontier queries) and for the
// migration runner; both see the same `search_path`, so raw SQL can use unqualified table names.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

/** Options of {@link createDatabase}. */
export interface DatabaseOptions {
  /** Postgres URL. A `?schema=NAME` parameter (Prisma's convention) selects the schema when `schema` is not given. */
  url: string;
  /** Postgres schema for every query. Default: the URL's `?schema=`, else `public`. */
  schema?: string;
  /** Most connections the shared pool opens. Default: 10. */
  poolMax?: number;
  /** Name reported in `pg_stat_activity.application_name`. Default: `shapesweep`. */
  applicationName?: string;
}

/** A Prisma client and a raw pool on the same database and schema. */
export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** The schema every query runs in (unquoted name). */
  schema: string;
  /** Disconnects Prisma and ends the pool. Safe to call twice. */
  close(): Promise<void>;
}

/** Postgres identifiers we create or accept: letters, digits, underscore; no quoting games. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema: ${JSON.stringify(schema)} is not a plain Postgres identifier (letters, digits, _; at most 63)`);
  }
  return schema;
}

/**
 * Splits Prisma's `?schema=` parameter off a URL (node-postgres does not understand it) and returns the URL `pg`
 * should connect with plus the schema. Other parameters (sslmode, options, ...) pass through untouched.
 */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_URL: ${JSON.stringify(redactUrl(url))} is not a URL (expected postgresql://user@host:port/db)`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Pool settings shared by every raw pool this package opens: same schema as Prisma, bounded size. */
export function poolConfig(connectionString: string, schema: string, poolMax: number, applicationName: string): pg.PoolConfig {
  return {
    connectionString,
    max: poolMax,
    application_name: applicationName,
    // `options` is sent in the startup packet, so the search_path holds for every connection the pool ever opens,
    // including ones reopened after Postgres restarts.
    options: `-c search_path=${assertSchemaName(schema)}`,
    // An idle connection to a restarted Postgres errors asynchronously; the pool drops it and opens a new one.
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  };
}

/** Opens a Prisma client (through `@prisma/adapter-pg`) and a raw pool on the same schema. Connects lazily. */
export function createDatabase(options: DatabaseOptions): Database {
  const { connectionString, schema: urlSchema } = parseDatabaseUrl(options.url);
  const schema = assertSchemaName(options.schema ?? urlSchema ?? 'public');
  const pool = new pg.Pool(poolConfig(connectionString, schema, options.poolMax ?? 10, options.applicationName ?? 'shapesweep'));
  // Without a listener, an idle client's error (Postgres restarted, connection terminated) crashes the process.
  pool.on('error', () => {});
  const adapter = new PrismaPg(pool, { schema });
  const prisma = new PrismaClient({ adapter });
  let closing: Promise<void> | undefined;
  return {
    prisma,
    pool,
    schema,
    close() {
      closing ??= (async () => {
        await prisma.$disconnect().catch(() => {});
        await pool.end().catch(() => {});
      })();
      return closing;
    },
  };
}
