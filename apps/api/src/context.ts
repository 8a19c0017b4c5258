// What every feature module receives: the frozen config, the services, and the API-wide helpers built on them.
// Passed as a plain argument to each route plugin (no module globals), so tests build as many apps as they like.
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ApiConfig, TrainJobPayload, TrainJobResult } from '@shapesweep/contract';
import type { Database } from '@shapesweep/db';

export type TrainQueue = Queue<TrainJobPayload, TrainJobResult, string>;

/** Services the app talks to; main.ts opens them, tests hand in their own (own schema, own queue name). */
export interface AppDeps {
  db: Database;
  /** The training queue (BullMQ). Its Redis connection may be down: submissions then keep runs PENDING. */
  queue: TrainQueue;
  /** A Redis connection used to publish control messages (cancel) to workers. */
  publisher: Redis;
  /** Optional BullMQ QueueEvents: wakes SSE streams as soon as a job changes, instead of at the next poll. */
  queueEvents?: QueueEvents;
  /** Milliseconds since the epoch. @defaultValue Date.now */
  clock?: () => number;
}

/** Tunables that are not environment variables (tests and the bench shorten them). */
export interface AppOptions {
  /** Pino logger options, or false for none. @defaultValue level from config.LOG_LEVEL */
  logger?: boolean | { level: string };
  /** Run the background re-enqueuer (PENDING runs → queue). @defaultValue true */
  reenqueue?: boolean;
  /** How often SSE streams look for new events, in ms. @defaultValue 300 */
  ssePollMs?: number;
  /** Interval of SSE heartbeat comments, in ms (proxies drop idle connections). @defaultValue 15_000 */
  sseHeartbeatMs?: number;
  /** Root of the built dashboard; overrides config.WEB_DIST_DIR. @defaultValue config / apps/web/dist */
  webDistDir?: string | null;
}

export interface AppContext {
  config: Readonly<ApiConfig>;
  deps: Required<Pick<AppDeps, 'db' | 'queue' | 'publisher'>> & Pick<AppDeps, 'queueEvents'>;
  now: () => number;
  options: Required<Pick<AppOptions, 'ssePollMs' | 'sseHeartbeatMs'>>;
}
