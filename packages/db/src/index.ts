// @shapesweep/db: the only package that talks to Postgres. Apps import the client, enums and model types from here,
// never from @prisma/client or the generated folder.
export { PrismaClient, Prisma, RunStatus, SweepStatus, WorkerStatus } from './generated/prisma/client.js';
export type { Sweep, Run, MetricSeries, MetricValue, DownstreamScore, Checkpoint, Worker, ApiToken, RunEvent } from './generated/prisma/client.js';
export { createDatabase, parseDatabaseUrl, redactUrl, assertSchemaName } from './database.js';
export type { Database, DatabaseOptions } from './database.js';
export { migrate, readMigrations, defaultMigrationsDir, MIGRATION_LOCK_KEY } from './migrate.js';
export type { MigrateOptions, MigrateResult, MigrationFile } from './migrate.js';
export { MetricIngest } from './ingest.js';
export type { MetricPointInput, MetricIngestOptions, MetricIngestStats, IngestMethod } from './ingest.js';
