// @shapesweep/data: corpora, tokenizer, span-corruption batches and downstream tasks for shapesweep's trainer.
// Pure data code: reads installed npm data packages and user files; no queue, database or HTTP library.
export * from './rng.js';
export * from './hash.js';
export * from './tokenizer.js';
export * from './corpus.js';
export * from './cache.js';
export * from './spanCorruption.js';
export * from './metrics.js';
export * from './naiveBayes.js';
export * from './tasks/types.js';
export * from './tasks/spam.js';
export * from './tasks/sentiment.js';
export * from './tasks/genre.js';
export * from './tasks/wic.js';
export * from './tasks/file.js';
export * from './tasks/load.js';
