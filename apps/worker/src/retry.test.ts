import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isTransientError, withRetry } from './retry.js';

describe('isTransientError', () => {
  it('treats lost connections and refused logins as transient', () => {
    expect(isTransientError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('role "w" is not permitted to log in'), { code: '28000' }))).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
  });

  it('does not retry errors a retry cannot fix', () => {
    expect(isTransientError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientError(new Error('syntax error'))).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base and stays under the cap', () => {
    const mid = () => 0.5;
    expect(backoffDelayMs(1, 100, 1_000, mid)).toBe(100);
    expect(backoffDelayMs(3, 100, 1_000, mid)).toBe(400);
    expect(backoffDelayMs(10, 100, 1_000, mid)).toBe(1_000);
  });
});

describe('withRetry', () => {
  it('retries transient failures until one succeeds', async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('gone'), { code: 'ECONNRESET' });
      return 42;
    }, { baseDelayMs: 1, maxDelayMs: 2 });
    expect(value).toBe(42);
    expect(calls).toBe(3);
  });

  it('rethrows a non-transient error at once', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error('bad sql'); }, { baseDelayMs: 1 })).rejects.toThrow('bad sql');
    expect(calls).toBe(1);
  });

  it('gives up after the last attempt', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw Object.assign(new Error('gone'), { code: 'ECONNRESET' }); }, { attempts: 2, baseDelayMs: 1 })).rejects.toThrow('gone');
    expect(calls).toBe(2);
  });
});
