import { describe, expect, it } from 'vitest';
import { TrainingConfigSchema } from '@shapesweep/contract';
import { checkPayload } from './payload.js';

const valid = {
  runId: 'run-1',
  sweepId: 'sweep-1',
  name: 'tiny',
  shape: { el: 2, dl: 2, dm: 32, ff: 64, nh: 2, kv: 16, vocab: 512 },
  training: TrainingConfigSchema.parse({}),
  seed: 1,
};

describe('checkPayload', () => {
  it('accepts a payload that matches the contract and its job', () => {
    const check = checkPayload(valid, 'run-1');
    expect(check.ok && check.payload.shape.dm).toBe(32);
  });

  it('names the field and the problem of a malformed payload', () => {
    const check = checkPayload({ ...valid, shape: { ...valid.shape, dm: -1 } }, 'run-1');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.details.join()).toMatch(/^shape\.dm: /);
  });

  it('rejects unknown fields (a payload from a newer api is not silently half-read)', () => {
    const check = checkPayload({ ...valid, extra: true }, 'run-1');
    expect(check.ok).toBe(false);
  });

  it('rejects a payload whose run id is not the job id', () => {
    const check = checkPayload(valid, 'run-2');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(/differs from the job id "run-2"/);
  });

  it('rejects something that is not an object at all', () => {
    expect(checkPayload('poison', 'run-1').ok).toBe(false);
  });
});
