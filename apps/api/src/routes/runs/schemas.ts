// Response schemas of run views (documentation and response typing; see app.ts on serialization).
import { z } from 'zod';
import type { RunSummary } from '@shapesweep/contract';
import { assertSameType } from '../../http/schemas.js';

export const RunSummarySchema = z.object({
  id: z.string(),
  sweepId: z.string(),
  cellKey: z.string(),
  name: z.string(),
  family: z.string(),
  referenceName: z.string().nullable(),
  widthScale: z.number(),
  shape: z.object({ el: z.number(), dl: z.number(), dm: z.number(), ff: z.number(), nh: z.number(), kv: z.number(), vocab: z.number() }),
  cost: z.object({
    params: z.number(),
    embeddingParams: z.number(),
    nonEmbeddingParams: z.number(),
    flopsPerExample: z.number(),
    plannedTrainFlops: z.number(),
    trainFlopsSpent: z.number().nullable(),
    wallSeconds: z.number().nullable(),
  }),
  seed: z.number(),
  status: z.string(),
  attempts: z.number(),
  workerId: z.string().nullable(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
  progress: z.object({ phase: z.string().nullable(), step: z.number(), totalSteps: z.number(), tokensSeen: z.number(), tokensPerSecond: z.number().nullable() }),
  quality: z.object({ evalLoss: z.number().nullable(), negLogPerplexity: z.number().nullable(), downstreamMean: z.number().nullable() }),
  error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
  createdAt: z.string(),
  enqueuedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
assertSameType<z.output<typeof RunSummarySchema>, RunSummary>(true);
