// Job payloads come from Redis, written by whichever api version enqueued them: validate before anything trusts them.
import { TrainJobPayloadSchema, type TrainJobPayload } from '@shapesweep/contract';

export type PayloadCheck =
  | { ok: true; payload: TrainJobPayload }
  | { ok: false; message: string; details: string[] };

/**
 * Validates a job's data against the contract, and that it belongs to the job (payload.runId = job id, since the
 * Run row is found by the job id). Errors name the field and what was wrong.
 */
export function checkPayload(data: unknown, jobId: string | undefined): PayloadCheck {
  const parsed = TrainJobPayloadSchema.safeParse(data);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
    return { ok: false, message: `job ${jobId ?? '?'}: invalid payload (${details.join('; ')})`, details };
  }
  if (jobId !== undefined && parsed.data.runId !== jobId) {
    const detail = `runId: ${JSON.stringify(parsed.data.runId)} differs from the job id ${JSON.stringify(jobId)}`;
    return { ok: false, message: `job ${jobId}: invalid payload (${detail})`, details: [detail] };
  }
  return { ok: true, payload: parsed.data };
}
