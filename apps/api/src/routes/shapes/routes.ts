// /v1/shapes: the standard sizes with their cost, and offline planning of a spec (nothing is written).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SweepSpecSchema } from '@shapesweep/contract';
import { MIN_VOCAB, PRESET_NAMES, PRESETS, SHAPE_MAX, shapeCost } from '@shapesweep/shapes';
import type { AppContext } from '../../context.js';
import { bodyPassThrough, ErrorBodySchema } from '../../http/schemas.js';
import { planSubmission, planView } from '../sweeps/planning.js';

export function shapeRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/v1/shapes/presets', {
      schema: {
        tags: ['shapes'],
        summary: 'The standard T5 sizes with parameters and FLOPs at a vocabulary and sequence lengths',
        querystring: z.strictObject({
          vocab: z.coerce.number().int().min(MIN_VOCAB).max(SHAPE_MAX.vocab).default(8192),
          inputLength: z.coerce.number().int().min(1).max(8192).default(128),
          targetLength: z.coerce.number().int().min(1).max(8192).default(32),
        }),
        response: {
          200: z.object({
            vocab: z.number(),
            inputLength: z.number(),
            targetLength: z.number(),
            presets: z.array(z.object({
              name: z.string(),
              shape: z.object({ el: z.number(), dl: z.number(), dm: z.number(), ff: z.number(), nh: z.number(), kv: z.number(), vocab: z.number() }),
              params: z.number(),
              nonEmbeddingParams: z.number(),
              forwardFlopsPerExample: z.number(),
              trainFlopsPerExample: z.number(),
            })),
          }),
          400: ErrorBodySchema,
        },
      },
    }, async (request) => {
      const { vocab, inputLength, targetLength } = request.query;
      return {
        vocab,
        inputLength,
        targetLength,
        presets: PRESET_NAMES.map((name) => {
          const shape = { ...PRESETS[name], vocab };
          const cost = shapeCost(shape, { inputLength, targetLength });
          return {
            name,
            shape,
            params: cost.params,
            nonEmbeddingParams: cost.nonEmbeddingParams,
            forwardFlopsPerExample: cost.forwardFlopsPerExample,
            trainFlopsPerExample: cost.trainFlopsPerExample,
          };
        }),
      };
    });

    app.post('/v1/shapes/plan', {
      // Planning writes nothing, so it needs only read access; the spec is validated by parseSweepSpec.
      config: { auth: 'read' },
      validatorCompiler: bodyPassThrough as never,
      schema: {
        tags: ['shapes'],
        summary: 'Plan a sweep spec offline: cells with params and FLOPs, warnings, dropped cells (nothing is stored)',
        body: SweepSpecSchema,
        response: {
          200: z.looseObject({ sweepId: z.string(), name: z.string(), totals: z.unknown(), warnings: z.array(z.string()), dropped: z.array(z.unknown()), training: z.unknown(), cells: z.array(z.unknown()) }),
          400: ErrorBodySchema,
          413: ErrorBodySchema,
        },
      },
    }, async (request) => planView(planSubmission(request.body, ctx.config.MAX_CELLS_PER_SWEEP)));
  };
}
