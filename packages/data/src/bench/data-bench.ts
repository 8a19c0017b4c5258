// Data pipeline timings on this machine: corpus load, tokenizer training and corpus encoding (cold and cached),
// span-corruption batch throughput, task loading (cold and cached), and the Naive Bayes floors of DATA.md.
// Run: npm run bench -w @shapesweep/data (after building). Writes bench/results/data.json at the repo root.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCorpus, getOrTrainTokenizer, writeFileAtomic } from '../cache.js';
import { loadPretrainingCorpus } from '../corpus.js';
import { naiveBayesScores } from '../naiveBayes.js';
import { spanCorruptionBatches } from '../spanCorruption.js';
import { loadTask } from '../tasks/load.js';
import type { BuiltinTaskName } from '../tasks/types.js';

const VOCAB_SIZE = 8192;

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - start)];
}

async function main(): Promise<void> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'shapesweep-data-bench-'));
  try {
    const [corpus, corpusLoadMs] = await timed(() => loadPretrainingCorpus('default'));
    const [tokenizer, tokenizerTrainMs] = await timed(() => getOrTrainTokenizer({ corpus, vocabSize: VOCAB_SIZE, cacheDir }));
    const [, tokenizerCachedMs] = await timed(() => getOrTrainTokenizer({ corpus, vocabSize: VOCAB_SIZE, cacheDir }));
    const [train, encodeTrainMs] = await timed(() => encodeCorpus({ corpus, tokenizer, split: 'train', cacheDir }));
    const [, encodeTrainCachedMs] = await timed(() => encodeCorpus({ corpus, tokenizer, split: 'train', cacheDir }));
    const [heldout, encodeHeldoutMs] = await timed(() => encodeCorpus({ corpus, tokenizer, split: 'heldout', cacheDir }));
    const chars = corpus.train.reduce((n, d) => n + d.length, 0);
    const stream = spanCorruptionBatches({
      tokens: train, inputLength: 128, targetLength: 32, batchSize: 16, seed: 1,
      sentinel: (i) => tokenizer.sentinelId(i), eosId: tokenizer.eosId, padId: tokenizer.padId,
    });
    const [, batchesMs] = await timed(() => {
      for (let i = 0; i < 1000; i++) stream.next();
    });
    const tasks: Record<string, unknown> = {};
    for (const name of ['sentiment', 'spam', 'genre', 'wic'] as BuiltinTaskName[]) {
      const [task, coldMs] = await timed(() => loadTask(name, { cacheDir }));
      const [, cachedMs] = await timed(() => loadTask(name, { cacheDir }));
      const nb = naiveBayesScores(task);
      const nbBinary = naiveBayesScores(task, { binary: true });
      tasks[name] = {
        train: task.train.length, validation: task.validation.length, labels: task.labels.length, coldMs, cachedMs,
        naiveBayesAccuracy: nb.accuracy, naiveBayesMacroF1: nb.macroF1, naiveBayesBinaryAccuracy: nbBinary.accuracy, majorityAccuracy: nb.majorityAccuracy,
      };
    }
    const genre2 = await loadTask('genre', { genreClasses: 2 });
    const genre2Scores = naiveBayesScores(genre2);
    tasks['genre-2'] = { naiveBayesAccuracy: genre2Scores.accuracy, majorityAccuracy: genre2Scores.majorityAccuracy };
    const result = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      corpus: { documents: corpus.documents.length, trainChars: chars, heldoutChars: corpus.heldout.reduce((n, d) => n + d.length, 0), corpusLoadMs },
      tokenizer: { vocabSize: VOCAB_SIZE, merges: tokenizer.mergeCount, tokenizerTrainMs, tokenizerCachedMs, trainTokens: train.length, heldoutTokens: heldout.length, charsPerToken: chars / train.length, encodeTrainMs, encodeTrainCachedMs, encodeHeldoutMs },
      spanCorruption: { inputLength: 128, targetLength: 32, batchSize: 16, rawLength: stream.lengths.rawLength, msPerBatch: batchesMs / 1000 },
      tasks,
    };
    const out = fileURLToPath(new URL('../../../../bench/results/data.json', import.meta.url));
    await writeFileAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

await main();
