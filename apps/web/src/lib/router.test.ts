import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router.js';

describe('parseRoute', () => {
  it('maps the empty hash and #/sweeps to the sweeps list', () => {
    expect(parseRoute('')).toEqual({ page: 'sweeps' });
    expect(parseRoute('#/')).toEqual({ page: 'sweeps' });
    expect(parseRoute('#/sweeps')).toEqual({ page: 'sweeps' });
  });

  it('decodes sweep and run ids and round-trips href', () => {
    expect(parseRoute(href.sweep('sw/1 x'))).toEqual({ page: 'sweep', id: 'sw/1 x' });
    expect(parseRoute(href.run('run-abc'))).toEqual({ page: 'run', id: 'run-abc' });
  });

  it('keeps the budget query', () => {
    const route = parseRoute('#/budget?maxParams=60M&rank=spam');
    expect(route.page).toBe('budget');
    if (route.page === 'budget') expect(Object.fromEntries(route.query)).toEqual({ maxParams: '60M', rank: 'spam' });
  });

  it('reports unknown paths as not found', () => {
    expect(parseRoute('#/sweeps/a/b')).toEqual({ page: 'not-found', path: '/sweeps/a/b' });
    expect(parseRoute('#/nope')).toEqual({ page: 'not-found', path: '/nope' });
  });
});
