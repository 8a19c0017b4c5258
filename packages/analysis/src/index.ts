// @shapesweep/analysis: pure math over finished runs. No I/O; every function is deterministic.
export { AnalysisError, isAnalysisError, type AnalysisErrorCode } from './errors.js';
export { readMetric, type RunMetric, type RunRecord } from './runs.js';
export { paretoFrontier, type ParetoOptions, type ParetoPoint } from './pareto.js';
export { bestUnderBudget, rankRuns, withinBudget, type Budget, type RankOptions, type RankedRun } from './budget.js';
export {
  DEFAULT_PARAM_GROUP_TOLERANCE,
  averageRanks,
  groupByRelativeTolerance,
  kendallTau,
  pearson,
  spearman,
  spearmanWithinGroups,
  type GroupCorrelation,
  type RankPair,
  type ToleranceGroup,
  type WithinGroupsCorrelation,
} from './rank.js';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type ValueAndGradient } from './lbfgs.js';
export {
  MIN_FIT_POINTS,
  evaluatePowerLaw,
  fitPowerLaw,
  fromFitY,
  predict,
  toFitY,
  type FitPoint,
  type FitTarget,
  type PowerLawFit,
  type PowerLawFitOptions,
  type PowerLawParams,
  type Prediction,
} from './powerlaw.js';
export { lttb, lttbIndices, minMaxDownsample, minMaxIndices, type XY } from './downsample.js';
export {
  sweepReport,
  type BudgetBucket,
  type DeepNarrowComparison,
  type ParamGroupCorrelation,
  type RunRanking,
  type SweepReport,
  type SweepReportOptions,
  type Winner,
} from './sweep-report.js';
export { seededRandom } from './random.js';
