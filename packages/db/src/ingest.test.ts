import { describe, expect, it } from 'vitest';
import { encodeCopyBinary } from './ingest.js';

describe('encodeCopyBinary', () => {
  it('writes the PGCOPY header, one 4-field row per point in network byte order, and the trailer', () => {
    const wallTime = new Date('2000-01-01T00:00:01.500Z'); // 1.5 s after the Postgres epoch
    const buf = encodeCopyBinary([7], [{ runId: 'r', phase: 'p', name: 'n', step: 42, value: -0.25, wallTime }]);
    expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(buf.readInt32BE(11)).toBe(0); // flags
    expect(buf.readInt32BE(15)).toBe(0); // header extension
    let o = 19;
    expect(buf.readInt16BE(o)).toBe(4);
    expect([buf.readInt32BE(o + 2), buf.readInt32BE(o + 6)]).toEqual([4, 7]);
    expect([buf.readInt32BE(o + 10), buf.readInt32BE(o + 14)]).toEqual([4, 42]);
    expect([buf.readInt32BE(o + 18), buf.readDoubleBE(o + 22)]).toEqual([8, -0.25]);
    expect([buf.readInt32BE(o + 30), buf.readBigInt64BE(o + 34)]).toEqual([8, 1_500_000n]);
    o += 42;
    expect(buf.readInt16BE(o)).toBe(-1);
    expect(buf.length).toBe(o + 2);
  });

  it('encodes times before 2000 and far in the future as exact signed microseconds', () => {
    const times = [new Date('1970-01-01T00:00:00.001Z'), new Date('2262-04-11T23:47:16.854Z')];
    const buf = encodeCopyBinary([1, 2], times.map((wallTime, step) => ({ runId: 'r', phase: 'p', name: 'n', step, value: Number.NaN, wallTime })));
    const micros = (d: Date) => BigInt(d.getTime() - Date.UTC(2000, 0, 1)) * 1000n;
    expect(buf.readBigInt64BE(19 + 34)).toBe(micros(times[0]!));
    expect(buf.readBigInt64BE(19 + 42 + 34)).toBe(micros(times[1]!));
    expect(Number.isNaN(buf.readDoubleBE(19 + 22))).toBe(true);
  });
});
