import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle.js';

describe('createThrottle', () => {
  it('publishes the first value at once and then at most once per interval', () => {
    let now = 0;
    const throttle = createThrottle<number>(1_000, () => now);
    expect(throttle.offer(1)).toBe(1);
    now = 500;
    expect(throttle.offer(2)).toBeUndefined();
    now = 999;
    expect(throttle.offer(3)).toBeUndefined();
    now = 1_000;
    expect(throttle.offer(4)).toBe(4);
  });

  it('keeps the newest unpublished value for the end of the run', () => {
    let now = 0;
    const throttle = createThrottle<number>(1_000, () => now);
    throttle.offer(1);
    now = 10;
    throttle.offer(2);
    throttle.offer(3);
    expect(throttle.takePending()).toBe(3);
    expect(throttle.takePending()).toBeUndefined();
  });

  it('has nothing pending right after a publish', () => {
    const throttle = createThrottle<number>(1_000, () => 0);
    throttle.offer(1);
    expect(throttle.takePending()).toBeUndefined();
  });
});
