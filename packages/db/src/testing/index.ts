// Test support for integration tests across the monorepo: every test file gets its own freshly migrated Postgres
// schema, so files run in parallel against one database without seeing each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, parseDatabaseUrl, type Database } from '../database.js';
import { migrate } from '../migrate.js';

/** The shared test database (the one `npm run services` ensures). */
export const TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/shapesweep';

export interface TestDatabaseOptions {
  /** Database to create the schema in. Default: {@link TEST_DATABASE_URL}. */
  url?: string;
  /** Pool size. Default: 5 (tests are small; the machine is shared). */
  poolMax?: number;
  /** Apply the migrations. Default: true. `false` leaves the schema empty (for migration-runner tests). */
  migrate?: boolean;
  /** Migrations folder. Default: the repository's prisma/migrations. */
  migrationsDir?: string;
  /** `application_name` of the pool's connections. Default: `shapesweep`. */
  applicationName?: string;
}

export interface TestDatabase extends Database {
  /** URL of the same database and schema (`?schema=t_…`): hand it to child processes as DATABASE_URL. */
  url: string;
  /** Closes the connections and drops the schema with everything in it. Safe to call twice. */
  drop(): Promise<void>;
}

/** A fresh schema `t_<random>`; migrated unless `migrate: false`. Call `drop()` in afterAll. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const baseUrl = options.url ?? TEST_DATABASE_URL;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, (client) => client.query(`CREATE SCHEMA "${schema}"`));
  const url = withSchema(baseUrl, schema);
  try {
    if (options.migrate !== false) {
      await migrate({ url, ...(options.migrationsDir === undefined ? {} : { migrationsDir: options.migrationsDir }) });
    }
  } catch (err) {
    await withClient(baseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    throw err;
  }
  const db = createDatabase({ url, poolMax: options.poolMax ?? 5, ...(options.applicationName === undefined ? {} : { applicationName: options.applicationName }) });
  let dropping: Promise<void> | undefined;
  return {
    ...db,
    url,
    drop() {
      dropping ??= (async () => {
        await db.close();
        await withClient(baseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      })();
      return dropping;
    },
  };
}

/** `url` with Prisma's `?schema=` parameter set (understood by createDatabase, migrate and the Prisma CLI). */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: parseDatabaseUrl(url).connectionString });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * A sweep with placeholder runs (a tiny shape, never trained): rows for metric series, scores and checkpoints to
 * refer to in tests and benchmarks that exercise those tables rather than the run lifecycle.
 */
export async function insertPlaceholderRuns(db: Pick<Database, 'pool'>, sweepId: string, runIds: readonly string[]): Promise<void> {
  await db.pool.query(`INSERT INTO sweep (id, name, spec, cell_count, updated_at) VALUES ($1, $1, '{}', $2, now())`, [sweepId, runIds.length]);
  await db.pool.query(
    `INSERT INTO run (id, sweep_id, cell_key, name, family, width_scale, el, dl, dm, ff, nh, kv, vocab, params,
                      embedding_params, non_embedding_params, flops_per_example, planned_train_flops, hparams, seed,
                      total_steps, updated_at)
     SELECT id, $1, id, 'tiny', 'grid', 1, 1, 1, 8, 16, 2, 4, 32, 1000, 100, 900, 1e6, 1e9, '{}', 0, 10, now()
       FROM unnest($2::text[]) AS u(id)`,
    [sweepId, runIds],
  );
}
