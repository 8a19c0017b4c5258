export * from './errors.js';
export * from './env.js';
export * from './training.js';
export * from './jobs.js';
export * from './config.js';
export * from './spec.js';
export * from './plan.js';
export type * from './api-types.js';
