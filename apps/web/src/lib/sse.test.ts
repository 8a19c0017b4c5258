import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('decodes events with id, type and data, and skips comments and retry lines', () => {
    const parser = new SseParser();
    const events = parser.push('retry: 2000\n\n: ping\n\nid: 7\nevent: run.progress\ndata: {"step":3}\n\n');
    expect(events).toEqual([{ id: '7', event: 'run.progress', data: '{"step":3}' }]);
    expect(parser.lastEventId).toBe('7');
  });

  it('reassembles an event split across chunks, including a \\r\\n split between two chunks', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\r\nevent: run.started\r\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ id: '1', event: 'run.started', data: '{"a":1}' }]);
  });

  it('joins multi-line data with newlines and defaults the type to message', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\ndata:b\n\n')).toEqual([{ id: null, event: 'message', data: 'a\nb' }]);
  });

  it('keeps the last id for events that do not repeat it', () => {
    const parser = new SseParser();
    parser.push('id: 41\nevent: x\ndata: 1\n\n');
    expect(parser.push('event: y\ndata: 2\n\n')).toEqual([{ id: '41', event: 'y', data: '2' }]);
  });
});
