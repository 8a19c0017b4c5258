// Entry point: read the config, open Postgres and Redis, build the app, listen, close gracefully on SIGTERM/SIGINT.
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { TrainJobPayload, TrainJobResult } from '@shapesweep/contract';
import { createDatabase, migrate } from '@shapesweep/db';
import { buildApp } from './app.js';
import { ensureAdminToken } from './auth/admin-token.js';
import { loadConfig, redisOptions } from './config.js';
import { registerSecret } from './routes/tokens/store.js';

/** After a shutdown signal, give in-flight requests this long before exiting anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await migrate({ url: config.DATABASE_URL });
  const db = createDatabase({ url: config.DATABASE_URL, applicationName: 'shapesweep-api' });
  const connection = redisOptions(config.REDIS_URL);
  const queue = new Queue<TrainJobPayload, TrainJobResult, string>(config.TRAIN_QUEUE, { connection });
  const queueEvents = new QueueEvents(config.TRAIN_QUEUE, { connection });
  const publisher = new Redis({ ...connection, maxRetriesPerRequest: 2 });
  // Connection errors are reported by /readyz and the request paths; an unhandled 'error' event must not crash us.
  queueEvents.on('error', () => undefined);
  publisher.on('error', () => undefined);

  const { app } = await buildApp(config, { db, queue, publisher, queueEvents });
  const admin = await ensureAdminToken(config.ADMIN_TOKEN_FILE, (secret) => registerSecret(db, secret, 'local-admin', ['admin']));
  app.log.info({ file: admin.file, tokenId: admin.tokenId, created: admin.created }, 'admin token ready');
  await app.listen({ host: config.API_HOST, port: config.API_PORT });

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    // Every step runs even when an earlier one fails.
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['http', () => app.close()],
      ['queue events', () => queueEvents.close()],
      ['queue', () => queue.close()],
      ['publisher', () => publisher.quit()],
      ['database', () => db.close()],
    ];
    let failed = false;
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        failed = true;
        app.log.error({ err, step: name }, 'shutdown step failed');
      }
    }
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Before the logger exists (bad config, database down at start) stderr is the only channel.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
