import { describe, expect, it } from 'vitest';
import { parseDeviceList, planSlots, SlotPool } from './slots.js';

describe('planSlots', () => {
  it('gives every listed GPU its own slot that sees only that GPU', () => {
    const slots = planSlots({ devices: ['0', '1', '3'], cpuCount: 16 });
    expect(slots.map((s) => s.env.CUDA_VISIBLE_DEVICES)).toEqual(['0', '1', '3']);
    expect(slots.map((s) => s.device)).toEqual(['0', '1', '3']);
  });

  it('runs one CPU slot per core with no GPU visible when there are no devices', () => {
    const slots = planSlots({ devices: [], cpuCount: 4 });
    expect(slots).toHaveLength(4);
    expect(slots.every((s) => s.device === null && s.env.CUDA_VISIBLE_DEVICES === '')).toBe(true);
  });

  it('shares GPUs round-robin when more slots than GPUs are asked for', () => {
    expect(planSlots({ slots: 4, devices: ['0', '1'], cpuCount: 8 }).map((s) => s.device)).toEqual(['0', '1', '0', '1']);
  });

  it('honours an explicit slot count on CPU', () => {
    expect(planSlots({ slots: 2, devices: [], cpuCount: 64 })).toHaveLength(2);
  });

  it('counts a GPU listed twice once', () => {
    expect(planSlots({ devices: ['0', '0'], cpuCount: 2 })).toHaveLength(1);
  });

  it('rejects a slot count that is not a positive integer', () => {
    expect(() => planSlots({ slots: 0, devices: [], cpuCount: 2 })).toThrow(/slots: 0/);
  });
});

describe('parseDeviceList', () => {
  it('parses comma-separated GPU indices', () => {
    expect(parseDeviceList('0,1,7')).toEqual(['0', '1', '7']);
    expect(parseDeviceList(undefined)).toEqual([]);
    expect(parseDeviceList('')).toEqual([]);
  });

  it('names the value it cannot parse', () => {
    expect(() => parseDeviceList('0;1')).toThrow(/"0;1"/);
  });
});

describe('SlotPool', () => {
  it('hands out each slot once and takes it back', () => {
    const pool = new SlotPool(planSlots({ slots: 2, devices: [], cpuCount: 2 }));
    const a = pool.acquire();
    const b = pool.acquire();
    expect(new Set([a.index, b.index])).toEqual(new Set([0, 1]));
    expect(() => pool.acquire()).toThrow(/no free training slot/);
    pool.release(a);
    expect(pool.acquire().index).toBe(a.index);
  });
});
