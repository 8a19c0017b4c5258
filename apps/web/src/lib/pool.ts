// Bounded concurrency for many small requests (one curve request per run): the browser allows ~6 connections per
// host anyway, and more in flight would only queue behind the SSE stream.

/**
 * Runs `task` over `items` with at most `concurrency` in flight, calling `onResult` as each one settles (in completion
 * order). Stops starting new tasks once `signal` aborts. Rejections are passed to `onResult` as errors, never thrown.
 */
export async function forEachLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
  onResult: (item: T, result: R | Error) => void,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  // A function, not an inline test: TypeScript would narrow `signal.aborted` across the await otherwise.
  const aborted = (): boolean => signal?.aborted === true;
  const worker = async (): Promise<void> => {
    while (next < items.length && !aborted()) {
      const item = items[next]!;
      next += 1;
      let result: R | Error;
      try {
        result = await task(item);
      } catch (err) {
        result = err instanceof Error ? err : new Error(String(err));
      }
      if (aborted()) return;
      onResult(item, result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
