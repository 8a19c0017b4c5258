// Environment configuration of each app: one zod schema per app, parsed once at start-up with
// `parseEnv(Schema, process.env, 'api')`, which names every wrong or missing variable. Numbers and booleans arrive as
// strings, hence z.coerce / the boolean parser below. Every variable is listed with a comment in .env.example, and
// compose.test.ts checks that docker-compose.yml sets only variables these schemas accept.
//
// The schemas are plain `z.object` (not strict): the environment holds PATH, HOME and friends, which must be ignored.
import { z } from 'zod';
import { DEFAULT_TRAIN_QUEUE } from './jobs.js';

/** Default Postgres URL: the local cluster `npm run services` starts or finds. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/shapesweep';
/** Default Redis URL: the local redis-server `npm run services` starts or finds. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
  .default(DEFAULT_DATABASE_URL);
const redisUrl = z
  .string()
  .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
  .default(DEFAULT_REDIS_URL);
const queueName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 letters, digits, ".", "_" or "-" (BullMQ uses it in Redis keys)')
  .default(DEFAULT_TRAIN_QUEUE);
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** "true"/"1"/"yes" and "false"/"0"/"no" (any case); z.coerce.boolean would read "false" as true. */
const envBoolean = (defaultValue: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional()
    .transform((v) => v ?? defaultValue);

const positiveInt = () => z.coerce.number().int().positive();
const port = () => z.coerce.number().int().min(0).max(65_535);

export const ApiConfigSchema = z.object({
  /** Postgres URL (`?schema=` selects a schema). @defaultValue postgresql://postgres@127.0.0.1:5432/shapesweep */
  DATABASE_URL: postgresUrl,
  /** Redis URL of the BullMQ queue. @defaultValue redis://127.0.0.1:6379 */
  REDIS_URL: redisUrl,
  /** BullMQ queue of training jobs; api and workers must agree. @defaultValue shapesweep-train */
  TRAIN_QUEUE: queueName,
  /** Interface to listen on; 0.0.0.0 in containers. @defaultValue 127.0.0.1 */
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 picks a free one. @defaultValue 8080 */
  API_PORT: port().default(8080),
  /** Pino log level. @defaultValue info */
  LOG_LEVEL: logLevel,
  /** Largest sweep (cells after grid expansion) one request may submit. @defaultValue 10000 */
  MAX_CELLS_PER_SWEEP: positiveInt().max(1_000_000).default(10_000),
  /** Largest request body in bytes. @defaultValue 1048576 (1 MiB) */
  BODY_LIMIT_BYTES: positiveInt().default(1_048_576),
  /** Whether GET endpoints also need a bearer token (mutations always do). @defaultValue false */
  READS_REQUIRE_TOKEN: envBoolean(false),
  /** File holding the admin token (created with mode 0600 on first start if missing). @defaultValue ~/.shapesweep/token */
  ADMIN_TOKEN_FILE: z.string().min(1).default('~/.shapesweep/token'),
  /** Requests per minute per client (token or IP). @defaultValue 120 */
  RATE_LIMIT_PER_MINUTE: positiveInt().default(120),
  /** Built dashboard to serve at `/`; unset → the api looks for apps/web/dist and serves nothing if absent. @defaultValue unset */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /** How long one addBulk may wait for Redis before the runs are left PENDING for the re-enqueuer, in ms. @defaultValue 3000 */
  ENQUEUE_TIMEOUT_MS: positiveInt().default(3_000),
  /** Interval of the background pass that enqueues runs a Redis outage left PENDING, in ms. @defaultValue 5000 */
  REENQUEUE_INTERVAL_MS: positiveInt().default(5_000),
  /** BullMQ attempts per training job (1 = no automatic retry). @defaultValue 3 */
  JOB_ATTEMPTS: positiveInt().max(100).default(3),
  /** A worker is listed as live while its heartbeat is younger than this, in ms. @defaultValue 30000 */
  WORKER_LIVE_MS: positiveInt().default(30_000),
  /** How long one sweep status answer is reused by concurrent pollers, in ms; 0 computes every request. @defaultValue 250 */
  STATUS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(250),
});
export type ApiConfig = z.infer<typeof ApiConfigSchema>;

export const BackendNameSchema = z.enum(['node-gpu', 'node', 'wasm', 'cpu']);

export const WorkerConfigSchema = z.object({
  /** @defaultValue postgresql://postgres@127.0.0.1:5432/shapesweep */
  DATABASE_URL: postgresUrl,
  /** @defaultValue redis://127.0.0.1:6379 */
  REDIS_URL: redisUrl,
  /** @defaultValue shapesweep-train */
  TRAIN_QUEUE: queueName,
  /** Concurrent training slots; unset → one per device in WORKER_DEVICES, else one per GPU found, else one per CPU core. @defaultValue unset */
  WORKER_SLOTS: positiveInt().max(1024).optional(),
  /** Comma-separated GPU indices, one slot each with its own CUDA_VISIBLE_DEVICES, e.g. "0,1". @defaultValue unset */
  WORKER_DEVICES: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated GPU indices like "0,1"')
    .optional(),
  /** TensorFlow.js backend; unset → the fastest installed (node-gpu, node, wasm, cpu). @defaultValue unset */
  SHAPESWEEP_BACKEND: BackendNameSchema.optional(),
  /** Where checkpoints are written; shared storage when workers run on several machines. @defaultValue ./.data/checkpoints */
  CHECKPOINT_DIR: z.string().min(1).default('./.data/checkpoints'),
  /** How often the worker row's last_seen_at is refreshed, in ms. @defaultValue 5000 */
  HEARTBEAT_INTERVAL_MS: positiveInt().default(5_000),
  /** A worker unseen for this long (ms) is marked LOST. @defaultValue 30000 */
  STALE_WORKER_MS: positiveInt().default(30_000),
  /** SIGTERM → checkpoint and hand back within this many ms, then exit anyway. @defaultValue 30000 */
  SHUTDOWN_TIMEOUT_MS: positiveInt().default(30_000),
  /** @defaultValue info */
  LOG_LEVEL: logLevel,
  /** Tokenizer and encoded-corpus cache shared by every trainer on the machine. @defaultValue ./.data/cache */
  CACHE_DIR: z.string().min(1).default('./.data/cache'),
  /**
   * BullMQ job lock in ms: a worker that dies (SIGKILL, machine loss) holds its jobs this long before the stalled
   * check may hand them to another worker. The lock is renewed every half of it. @defaultValue 30000
   */
  LOCK_DURATION_MS: positiveInt().default(30_000),
  /** How often each worker looks for stalled jobs, in ms. @defaultValue 30000 */
  STALLED_INTERVAL_MS: positiveInt().default(30_000),
  /** Times a job may stall (its worker died) before BullMQ fails it; pre-emptible machines want a few. @defaultValue 5 */
  MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(1000).default(5),
  /** Starts of a run (Run.attempts) after which a crashing or hung trainer fails the run for good. @defaultValue 3 */
  MAX_RUN_ATTEMPTS: positiveInt().max(1000).default(3),
  /** First delay before a crashed or hung trainer's job is retried, in ms; doubles with each attempt. @defaultValue 5000 */
  RETRY_BACKOFF_MS: positiveInt().default(5_000),
  /** A trainer that sends no heartbeat for this long (ms) is killed and its job retried. @defaultValue 300000 */
  TRAINER_HEARTBEAT_TIMEOUT_MS: positiveInt().default(300_000),
  /** Progress reaches the BullMQ job, the Run row and the event log at most this often, in ms. @defaultValue 3000 */
  PROGRESS_INTERVAL_MS: positiveInt().default(3_000),
  /** Metric points per COPY batch. @defaultValue 5000 */
  INGEST_BATCH_POINTS: positiveInt().default(5_000),
  /** Buffered points are flushed at least this often, in ms. @defaultValue 1000 */
  INGEST_FLUSH_MS: positiveInt().default(1_000),
  /** Points held while Postgres is unavailable before trainers are paused (never dropped). @defaultValue 1000000 */
  INGEST_MAX_BUFFERED_POINTS: positiveInt().default(1_000_000),
  /**
   * ES module (absolute path or package name) exporting `runCell` and `probeBackend` with the worker's cell-runner
   * contract (apps/worker/src/trainer/cell-runner.ts); unset → the built-in @shapesweep/model trainer. @defaultValue unset
   */
  TRAINER_MODULE: z.string().min(1).optional(),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export const MigrateConfigSchema = z.object({
  /** @defaultValue postgresql://postgres@127.0.0.1:5432/shapesweep */
  DATABASE_URL: postgresUrl,
  /** Folder of Prisma-layout migrations; unset → the repository's prisma/migrations. @defaultValue unset */
  MIGRATIONS_DIR: z.string().min(1).optional(),
});
export type MigrateConfig = z.infer<typeof MigrateConfigSchema>;
