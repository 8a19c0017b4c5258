// @shapesweep/model — T5 in TensorFlow.js, backends, (training: appended by src/train, src/optim, src/checkpoint).
export {
  selectBackend, parseBackendName, cudaDevicePresent, BACKEND_NAMES, BACKEND_PACKAGES,
  type BackendName, type SelectBackendOptions, type SelectedBackend,
} from './backend/select.js';
export { createT5, PAD_ID, type T5Model, type T5Batch, type T5Options } from './t5/model.js';
export { t5ParamCount, parseT5Shape, t5ShapeSchema, RELATIVE_BUCKETS, RELATIVE_MAX_DISTANCE, type T5Shape } from './t5/shape.js';
export { relativePositionBucket } from './t5/relative-position.js';
export { tokenNll, oneHotRows } from './ops/cross-entropy.js';
export { linear, linearTransposed } from './ops/linear.js';
export { batchMatMul } from './ops/batch-matmul.js';
export { embeddingLookup } from './ops/embedding.js';
export { rmsNorm } from './ops/rms-norm.js';
export { registerModelGradients } from './ops/gradients.js';
// Training: optimizers, checkpoints, the training loop and the worker's entry point.
export * from './optim/index.js';
export * from './checkpoint/index.js';
export type { CellHooks, MetricPoint, ProgressReport, CheckpointReport } from './train/hooks.js';
export { checkDivergence, freshMonitorState, MAX_LOSS, EXPLOSION_RATIO, EXPLOSION_MARGIN_NATS, SETTLE_STEPS } from './train/divergence.js';
export { trainStep, evaluateLoss, scoreSequences, realTokens, type HostBatch, type StepResult } from './train/step.js';
export {
  encodeTask, classificationBatch, classificationScores, rankClassify, ExampleStream,
  type ClassificationTask, type EncodedTask, type TaskExample, type ClassificationScores,
} from './train/classification.js';
export { finetunePhase, taskStepRange } from './train/finetune.js';
export { PRETRAIN_PHASE } from './train/pretrain.js';
export { runCell, type RunCellConfig, type CellOutcome } from './run-cell.js';
