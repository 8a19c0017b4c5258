// Test harness: the real app on its own Postgres schema and its own BullMQ queue name, with tokens of each scope.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiConfigSchema, type ApiConfig, type TrainJobPayload, type TrainJobResult } from '@shapesweep/contract';
import { createTestDatabase, type TestDatabase } from '@shapesweep/db/testing';
import { buildApp, type App } from '../app.js';
import type { AppOptions } from '../context.js';
import { createToken } from '../routes/tokens/store.js';

export const REDIS = { host: '127.0.0.1', port: 6379 };

export interface Harness extends App {
  db: TestDatabase;
  queue: Queue<TrainJobPayload, TrainJobResult, string>;
  /** A connection to the real Redis, for assertions (the app's queue may point at a dead port). */
  redis: Redis;
  config: Readonly<ApiConfig>;
  tokens_: { admin: string; write: string; read: string };
  auth(scope: 'admin' | 'write' | 'read'): { authorization: string };
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment overrides for ApiConfigSchema. */
  env?: Record<string, string>;
  /** Connection of the app's queue: point it at a closed port to simulate Redis being down. */
  queueConnection?: { host: string; port: number };
  app?: AppOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const queueName = `test-${randomUUID()}`;
  const connection = options.queueConnection ?? REDIS;
  const queue = new Queue<TrainJobPayload, TrainJobResult, string>(queueName, {
    connection: { ...connection, ...(connection.port === REDIS.port ? {} : { retryStrategy: () => 1_000, connectTimeout: 200 }) },
  });
  queue.on('error', () => undefined);
  const publisher = new Redis({ ...REDIS, maxRetriesPerRequest: 1 });
  const redis = new Redis({ ...REDIS, maxRetriesPerRequest: 1 });
  const config = Object.freeze(
    ApiConfigSchema.parse({
      DATABASE_URL: db.url,
      TRAIN_QUEUE: queueName,
      LOG_LEVEL: 'silent',
      ENQUEUE_TIMEOUT_MS: '400',
      ADMIN_TOKEN_FILE: `/tmp/shapesweep-test-${queueName}/token`,
      ...options.env,
    }),
  );
  const built = await buildApp(config, { db, queue, publisher }, { logger: false, reenqueue: false, ssePollMs: 50, ...options.app });
  await built.app.ready();
  const [admin, write, read] = await Promise.all([
    createToken(db, 'test-admin', ['admin']),
    createToken(db, 'test-write', ['write']),
    createToken(db, 'test-read', ['read']),
  ]);
  const secrets = { admin: admin.secret, write: write.secret, read: read.secret };
  return {
    ...built,
    db,
    queue,
    redis,
    config,
    tokens_: secrets,
    auth: (scope) => ({ authorization: `Bearer ${secrets[scope]}` }),
    async close() {
      await built.app.close();
      if (connection.port === REDIS.port) await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      // Clean the real Redis too when the app's queue pointed elsewhere (a test may have added jobs directly).
      const cleanup = new Queue(queueName, { connection: REDIS });
      await cleanup.obliterate({ force: true }).catch(() => undefined);
      await cleanup.close();
      publisher.disconnect();
      redis.disconnect();
      await db.drop();
    },
  };
}

/** A small valid sweep: `names` × seeds cells of tiny shapes. */
export function tinySpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny sweep',
    cells: { names: ['tiny', 'mini'] },
    widthScales: ['1/8'],
    vocab: 512,
    seeds: [0, 1],
    training: { pretrain: { steps: 10, batchSize: 2, inputLength: 32, targetLength: 8 }, finetune: { steps: 2, tasks: ['sentiment'] } },
    ...overrides,
  };
}
