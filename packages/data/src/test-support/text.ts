// Small, real-looking English text for unit tests (written for these tests; no data package needed).
export const SAMPLE_TEXT = [
  'The quick brown fox jumps over the lazy dog. The dog sleeps in the sun, and the fox runs into the forest.',
  'In the beginning the river was quiet; then the rain came, and the river rose over its banks.',
  'Fellow citizens: the state of the union is strong, and the economy grows every year.',
  'She said, "I will not go there again," and she closed the door behind her.',
  'Numbers like 1790, 2016 and 3.14159 appear in speeches and in books alike.',
];

/** The sample repeated `times` times (a few kB), with the repetition index so chunks differ. */
export function sampleCorpus(times: number): string[] {
  return Array.from({ length: times }, (_, i) => `${SAMPLE_TEXT.join('\n')}\nPart ${i}.`);
}
