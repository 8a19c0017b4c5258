// buildApp(config, deps): the whole HTTP surface, without listening. main.ts and the tests build it the same way.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ShapesweepError, type ApiConfig } from '@shapesweep/contract';
import { defaultMigrationsDir, readMigrations } from '@shapesweep/db';
import { installAuth, type TokenCache } from './auth/plugin.js';
import type { AppContext, AppDeps, AppOptions } from './context.js';
import { installErrorHandlers } from './http/errors.js';
import { SseRegistry } from './http/sse.js';
import { healthRoutes } from './routes/health/routes.js';
import { HttpCounters, registerMetricsRoute } from './routes/metrics/routes.js';
import { resultRoutes } from './routes/results/routes.js';
import { runRoutes } from './routes/runs/routes.js';
import { shapeRoutes } from './routes/shapes/routes.js';
import { Enqueuer } from './routes/sweeps/enqueue.js';
import { sweepRoutes } from './routes/sweeps/routes.js';
import { tokenRoutes } from './routes/tokens/routes.js';
import { tokenLookup } from './routes/tokens/store.js';
import { workerRoutes } from './routes/workers/routes.js';

export interface App {
  app: FastifyInstance;
  context: AppContext;
  enqueuer: Enqueuer;
  tokens: TokenCache;
  sse: SseRegistry;
}

/** The dashboard bundle: config, else apps/web/dist of this checkout (dist/app.js → apps/api → apps/web/dist). */
function webRoot(config: Readonly<ApiConfig>, options: AppOptions): string | null {
  if (options.webDistDir !== undefined) return options.webDistDir;
  const dir = config.WEB_DIST_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
  return existsSync(path.join(dir, 'index.html')) ? dir : null;
}

export async function buildApp(config: Readonly<ApiConfig>, deps: AppDeps, options: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? { level: config.LOG_LEVEL },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Requests arriving while the server closes get 503 and Connection: close (load balancers move on).
    return503OnClosing: true,
    // SSE streams are ended in preClose; anything else still open after that is cut rather than waited on.
    forceCloseConnections: true,
  }).withTypeProvider<ZodTypeProvider>();

  const context: AppContext = {
    config,
    deps: { db: deps.db, queue: deps.queue, publisher: deps.publisher, ...(deps.queueEvents === undefined ? {} : { queueEvents: deps.queueEvents }) },
    now: deps.clock ?? Date.now,
    options: {
      ssePollMs: options.ssePollMs ?? 300,
      sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000,
    },
  };

  // Requests are validated with zod. Responses are serialised with plain JSON.stringify: their shape is checked by
  // TypeScript against the same zod schemas (the type provider), and re-validating every response would cost more
  // than the handlers themselves on the hot read paths. The schemas still document every response in OpenAPI.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // JSON only: a text/plain body is a 415, not a string the spec parser would puzzle over.
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app);

  // Redis going away is logged, once per outage, instead of crashing the process (an unhandled 'error' event).
  let queueDown = false;
  deps.queue.on('error', (err) => {
    if (!queueDown) app.log.warn({ err: err.message }, 'job queue connection error');
    queueDown = true;
  });

  const http = new HttpCounters();
  app.addHook('onResponse', async (request, reply) => {
    http.record(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });

  // The docs routes are registered inside the swagger-ui plugin; mark them public.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), auth: 'public' };
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'shapesweep API', description: 'Submit Transformer shape sweeps, watch them, query results by compute budget.', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const tokens = installAuth(app, { lookup: tokenLookup(deps.db), readsRequireToken: config.READS_REQUIRE_TOKEN, now: context.now });

  await app.register(fastifyRateLimit, {
    global: false,
    // Per token where there is one: many CLI users behind one NAT must not share a budget.
    keyGenerator: (request) => request.principal?.tokenId ?? request.ip,
    errorResponseBuilder: (_request, limit) =>
      new ShapesweepError('RATE_LIMITED', `too many requests: ${limit.max} per minute on mutating routes; retry in ${limit.after}`, {
        details: [`retry after ${limit.after}`],
      }),
  });

  const sse = new SseRegistry();
  const enqueuer = new Enqueuer(context, app.log);

  if (deps.queueEvents !== undefined) {
    // Job transitions wake the SSE streams at once; at most every 100 ms, so a burst of completions costs one poll.
    let scheduled = false;
    const wake = (): void => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        sse.wakeAll();
      }, 100).unref();
    };
    for (const event of ['active', 'completed', 'failed', 'progress', 'removed'] as const) deps.queueEvents.on(event, wake);
  }

  const migrations = (await readMigrations(defaultMigrationsDir())).map((m) => m.name);
  await app.register(healthRoutes(context, migrations));
  registerMetricsRoute(app, context, http);
  await app.register(sweepRoutes(context, enqueuer, sse));
  await app.register(runRoutes(context));
  await app.register(resultRoutes(context));
  await app.register(workerRoutes(context));
  await app.register(shapeRoutes(context));
  await app.register(tokenRoutes(context, tokens));

  // BullMQ dashboard, admin only (a browser gets a Basic-auth prompt: any user name, the token as password).
  const board = new FastifyAdapter();
  // @bull-board/fastify pins its own copy of @bull-board/api (9.10.1 vs 9.10.2 here): the classes are the same code
  // but TypeScript sees two declarations, hence the cast.
  createBullBoard({ queues: [new BullMQAdapter(deps.queue, { readOnlyMode: false })], serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  board.setBasePath('/admin/queues');
  await app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), auth: 'admin' };
    });
    await admin.register(board.registerPlugin(), { prefix: '/admin/queues' });
  });

  const web = webRoot(config, options);
  if (web !== null) {
    await app.register(async (site) => {
      site.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), auth: 'public' };
      });
      await site.register(fastifyStatic, { root: web, prefix: '/', wildcard: true });
    });
  }

  if (options.reenqueue !== false) enqueuer.start(config.REENQUEUE_INTERVAL_MS);

  app.addHook('preClose', async () => {
    // End SSE streams first: clients reconnect (to another instance) with Last-Event-ID and lose nothing.
    await sse.closeAll();
    await enqueuer.stop();
  });

  return { app, context, enqueuer, tokens, sse };
}
