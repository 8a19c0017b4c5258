// Progress arrives every training step (many per second on tiny shapes); the queue, the Run row and the event log
// only need it every few seconds. The throttle keeps the newest value and says when it is time to publish it.

export interface Throttle<T> {
  /** Records a value; returns it when at least `intervalMs` passed since the last publish (or it is the first). */
  offer(value: T): T | undefined;
  /** The newest value not yet published, if any (publish it at the end so the last step is never lost). */
  takePending(): T | undefined;
}

/** @param now clock in ms; injectable so tests fake only time. */
export function createThrottle<T>(intervalMs: number, now: () => number = Date.now): Throttle<T> {
  let lastPublishedAt: number | undefined;
  let pending: T | undefined;
  return {
    offer(value) {
      const t = now();
      if (lastPublishedAt === undefined || t - lastPublishedAt >= intervalMs) {
        lastPublishedAt = t;
        pending = undefined;
        return value;
      }
      pending = value;
      return undefined;
    },
    takePending() {
      const value = pending;
      pending = undefined;
      if (value !== undefined) lastPublishedAt = now();
      return value;
    },
  };
}
