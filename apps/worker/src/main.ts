// Entry point: read config, build the worker, run it, stop gracefully on SIGTERM/SIGINT.
// `node apps/worker/dist/main.js [--slots N] [--devices 0,1]` (also `npm run worker`, `shapesweep worker`).
import { pino } from 'pino';
import { createDatabase, migrate } from '@shapesweep/db';
import { loadWorkerConfig, trainerEnvironment } from './config.js';
import { createTrainingWorker } from './worker.js';

const config = loadWorkerConfig(process.argv.slice(2));
const logger = pino({ level: config.LOG_LEVEL, base: { app: 'worker', pid: process.pid } });
// Concurrent starters are safe: the migration runner holds an advisory lock.
await migrate({ url: config.DATABASE_URL, logger: (line) => logger.info(line) });
const db = createDatabase({ url: config.DATABASE_URL, applicationName: 'shapesweep-worker' });
const worker = createTrainingWorker(config, { db, logger, childEnv: trainerEnvironment() });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: trainers checkpoint and hand their jobs back');
  // A hard stop a little after the deadline, whatever hangs (a Postgres that never answers, a stuck socket).
  setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS + 2_000).unref();
  await worker.close();
  await db.close().catch(() => {});
  logger.info('worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

try {
  await worker.start();
} catch (err) {
  logger.fatal({ err }, 'worker failed to start');
  await worker.close().catch(() => {});
  await db.close().catch(() => {});
  process.exit(1);
}
