// @shapesweep/shapes: pure shape algebra (no I/O). See README.md for the name grammar and the accounting.
export * from './errors.js';
export * from './shape.js';
export * from './presets.js';
export * from './width.js';
export * from './names.js';
export * from './accounting.js';
export * from './format.js';
export * from './generators.js';
