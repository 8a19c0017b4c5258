import { describe, expect, it } from 'vitest';
import { loadWorkerConfig, parseWorkerArgs } from './config.js';

describe('worker command line', () => {
  it('reads --slots and --devices in both spellings', () => {
    expect(parseWorkerArgs(['--slots', '2', '--devices=0,1'])).toEqual({ slots: '2', devices: '0,1' });
  });

  it('lets the flags override the environment', () => {
    const config = loadWorkerConfig(['--slots', '3'], { WORKER_SLOTS: '1', WORKER_DEVICES: '0' });
    expect(config.WORKER_SLOTS).toBe(3);
    expect(config.WORKER_DEVICES).toBe('0');
  });

  it('rejects unknown arguments and flags without a value', () => {
    expect(() => parseWorkerArgs(['--gpus', '1'])).toThrow(/unknown argument "--gpus"/);
    expect(() => parseWorkerArgs(['--slots'])).toThrow(/--slots needs a value/);
  });

  it('names a bad variable', () => {
    expect(() => loadWorkerConfig([], { WORKER_DEVICES: 'all' })).toThrow(/WORKER_DEVICES/);
  });
});
