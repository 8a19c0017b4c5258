import { describe, expect, it } from 'vitest';
import { parseGpuList } from './gpus.js';

describe('parseGpuList', () => {
  it('reads one GPU index per line and ignores noise', () => {
    expect(parseGpuList('0\n1\n\nNo devices were found\n')).toEqual(['0', '1']);
  });
});
