// Body → validated spec → plan → the rows the submit path writes. Everything here is pure and offline.
import { createHash } from 'node:crypto';
import {
  canonicalJson, jobIdFor, parseSweepSpec, planSweep, totalSteps,
  type SweepPlan as ContractPlan, type SweepSpec,
} from '@shapesweep/contract';
import type { SweepPlan } from './plan-types.js';

/**
 * The sweep id is a hash of the canonical validated spec (defaults applied, keys sorted): submitting the same spec
 * twice names the same sweep, so a retried POST without an Idempotency-Key finds the first one instead of doubling
 * the work. 96 bits of sha256: collisions are not a practical concern.
 */
export function sweepIdFor(spec: SweepSpec): string {
  return `sw_${createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 24)}`;
}

export interface Planned {
  spec: SweepSpec;
  plan: ContractPlan;
  rows: SweepPlan;
}

/** Validates and plans; throws SWEEP_SPEC_INVALID (with field paths) or SWEEP_TOO_LARGE. */
export function planSubmission(body: unknown, maxCells: number): Planned {
  const spec = parseSweepSpec(body);
  const plan = planSweep(spec, { maxCells });
  const sweepId = sweepIdFor(spec);
  const steps = totalSteps(plan.training);
  return {
    spec,
    plan,
    rows: {
      sweepId,
      name: spec.name,
      spec,
      priority: spec.priority,
      training: plan.training,
      totalSteps: steps,
      dropped: plan.dropped.map((d) => ({ name: d.name, reason: d.reason })),
      runs: plan.cells.map((cell) => ({
        id: jobIdFor(sweepId, cell.cellKey),
        cellKey: cell.cellKey,
        name: cell.name,
        family: cell.family,
        referenceName: cell.referenceName,
        widthScale: cell.widthScale,
        shape: { el: cell.shape.el, dl: cell.shape.dl, dm: cell.shape.dm, ff: cell.shape.ff, nh: cell.shape.nh, kv: cell.shape.kv, vocab: cell.shape.vocab },
        params: cell.params,
        embeddingParams: cell.embeddingParams,
        nonEmbeddingParams: cell.nonEmbeddingParams,
        flopsPerExample: cell.flopsPerExample,
        plannedTrainFlops: cell.plannedTrainFlops,
        seed: cell.seed,
      })),
    },
  };
}

/** The plan as the API shows it (dry run, POST /v1/shapes/plan). */
export function planView(planned: Planned) {
  const { plan, rows } = planned;
  return {
    sweepId: rows.sweepId,
    name: rows.name,
    totals: plan.totals,
    warnings: plan.warnings,
    dropped: plan.dropped.map((d) => ({ ...d })),
    training: plan.training,
    cells: rows.runs.map((r) => ({
      runId: r.id,
      cellKey: r.cellKey,
      name: r.name,
      family: r.family,
      referenceName: r.referenceName,
      widthScale: r.widthScale,
      shape: r.shape,
      params: r.params,
      nonEmbeddingParams: r.nonEmbeddingParams,
      flopsPerExample: r.flopsPerExample,
      plannedTrainFlops: r.plannedTrainFlops,
      seed: r.seed,
    })),
  };
}
