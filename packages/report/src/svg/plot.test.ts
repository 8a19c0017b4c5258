import { describe, expect, it } from 'vitest';
import { lineChart, scatterPlot } from './plot.js';

describe('scatterPlot', () => {
  it('draws one circle per drawable point with its attributes, skipping values a log axis cannot show', () => {
    const svg = scatterPlot({
      x: { label: 'params', log: true },
      y: { label: 'score' },
      points: [
        { x: 10, y: 0.5, label: 'a', attributes: { 'data-run-id': 'a' } },
        { x: 100, y: 0.7, label: 'b', attributes: { 'data-run-id': 'b' } },
        { x: 0, y: 0.9, label: 'zero', attributes: { 'data-run-id': 'zero' } },
      ],
    });
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('data-run-id="a"');
    expect(svg).not.toContain('data-run-id="zero"');
    expect(svg).toContain('params (log scale)');
  });

  it('refuses an attribute name that could break out of the tag', () => {
    expect(() => scatterPlot({ x: { label: 'x' }, y: { label: 'y' }, points: [{ x: 1, y: 1, label: 'p', attributes: { 'onload="x"': '1' } }] })).toThrow(RangeError);
  });

  it('says there is no data instead of drawing empty axes', () => {
    expect(scatterPlot({ x: { label: 'x' }, y: { label: 'y' }, points: [] })).toContain('No data to plot');
  });
});

describe('lineChart', () => {
  it('breaks a series where a value cannot be shown on a log axis instead of bridging it', () => {
    const svg = lineChart({
      x: { label: 'step' },
      y: { label: 'loss', log: true },
      series: [{ label: 'run', color: '#000', points: [{ x: 0, y: 4 }, { x: 1, y: 3 }, { x: 2, y: Number.NaN }, { x: 3, y: 2 }, { x: 4, y: 1.5 }] }],
    });
    const d = /<path class="plot-series" d="([^"]+)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
  });
});
