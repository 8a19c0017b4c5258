import { describe, expect, it } from 'vitest';
import { formFromQuery, resultsQuery } from './budget.js';

describe('resultsQuery', () => {
  it('turns the form into /v1/results parameters, reading SI suffixes', () => {
    const form = formFromQuery(new URLSearchParams({ maxParams: '60M', maxFlops: '1.5e18', rank: 'spam', sweep: 'sw-1', sort: 'flops', limit: '50' }));
    expect(resultsQuery(form)).toEqual({ query: { maxParams: 60e6, maxFlops: 1.5e18, task: 'spam', sweep: 'sw-1', sort: 'flops', limit: 50 }, error: null });
  });

  it('ranks by the mean downstream score by default and leaves empty caps out', () => {
    expect(resultsQuery(formFromQuery(new URLSearchParams()))).toEqual({ query: { metric: 'downstream', sort: 'score', limit: 20 }, error: null });
  });

  it('names the field that is not a positive number', () => {
    expect(resultsQuery(formFromQuery(new URLSearchParams({ maxFlops: 'lots' })))).toEqual({
      query: null,
      error: 'max FLOPs: "lots" is not a positive number (try 60M, 1.5e18, 3P)',
    });
  });
});
