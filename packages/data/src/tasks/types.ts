// What a downstream task is to the trainer: text-to-text examples whose target is a label word, two splits, and the
// metrics to report. Kept free of loading code so the model package can depend on the types alone.

/** The built-in tasks (DATA.md); the same names as @shapesweep/contract's BUILTIN_TASKS. */
export type BuiltinTaskName = 'sentiment' | 'spam' | 'genre' | 'wic';
export type TaskMetric = 'accuracy' | 'macro_f1';

export interface TaskExample {
  /** The encoder input, prefixed with the task name: "sentiment: …", "wic: word: X sentence1: … sentence2: …". */
  input: string;
  /** The target: one of the task's label words. */
  label: string;
}

export interface Task {
  name: string;
  /** Label words, the candidates of rank classification (sorted; the index is the class id). */
  labels: string[];
  /** Training examples, in a deterministic shuffled order. */
  train: TaskExample[];
  /** Validation examples, in a deterministic shuffled order: any prefix is a representative sample. */
  validation: TaskExample[];
  /** Metrics to report: accuracy always; macro-F1 too where classes are skewed (genre). */
  metrics: TaskMetric[];
}
