// `shapesweep fit`: a power law L(x) = E + A·x^(−α) through the finished runs, and its prediction at a budget.
import { API_OPTIONS, JSON_OPTION, apiClient } from '../api-client.js';
import type { FitResponse } from '../api-types.js';
import { EXIT, UsageError, defineCommand } from '../command.js';
import { quantityOption } from '../numbers.js';
import { fixed, si } from '../render/format.js';

const interval = (ci: [number, number] | undefined, digits = 4): string => (ci === undefined ? '' : ` [95% ${ci[0].toPrecision(digits)}, ${ci[1].toPrecision(digits)}]`);

export const fitCommand = defineCommand({
  name: 'fit',
  summary: 'Fit a power law L(x) = E + A*x^-alpha to finished runs; predict quality at a budget',
  usage: '[options]',
  description: 'upstream fits the eval loss, downstream the error (1 - mean score); predictions are shown on both scales.',
  options: {
    ...API_OPTIONS,
    ...JSON_OPTION,
    x: { type: 'string', valueName: 'AXIS', help: 'params or flops (default params)' },
    y: { type: 'string', valueName: 'AXIS', help: 'upstream or downstream (default upstream)' },
    sweep: { type: 'string', valueName: 'SWEEP', help: 'Only runs of this sweep' },
    at: { type: 'string', valueName: 'BUDGET', help: 'Predict at this x (1e9, 60M, 1.2B)' },
  },
  async run({ values, io }) {
    const x = values.x ?? 'params';
    const y = values.y ?? 'upstream';
    if (x !== 'params' && x !== 'flops') throw new UsageError(`--x: expected params or flops, got ${JSON.stringify(x)}`);
    if (y !== 'upstream' && y !== 'downstream') throw new UsageError(`--y: expected upstream or downstream, got ${JSON.stringify(y)}`);
    const response = await apiClient(values, io).get<FitResponse>('/v1/fits', { x, y, sweep: values.sweep, at: quantityOption('at', values.at) });
    if (values.json === true) {
      io.stdout(`${JSON.stringify(response, null, 2)}\n`);
      return EXIT.ok;
    }
    const { fit, prediction } = response;
    const target = y === 'upstream' ? 'eval loss' : 'downstream error';
    const lines = [
      `${target}(${x}) = E + A * ${x}^-alpha over ${response.n} runs${response.excluded > 0 ? ` (${response.excluded} excluded)` : ''}${fit.converged ? '' : ' (did not converge)'}`,
      `  E     = ${fit.E.toPrecision(4)}${interval(fit.ci95?.E)}`,
      `  A     = ${fit.A.toPrecision(4)}${interval(fit.ci95?.A)}`,
      `  alpha = ${fit.alpha.toPrecision(4)}${interval(fit.ci95?.alpha)}`,
    ];
    if (prediction !== null) {
      const quality = y === 'upstream' ? 'negative log-perplexity' : 'mean downstream score';
      const qi = prediction.qualityInterval === null ? '' : ` [95% ${fixed(prediction.qualityInterval[0])}, ${fixed(prediction.qualityInterval[1])}]`;
      lines.push(`at ${x} = ${si(prediction.at)}: ${target} ${fixed(prediction.fitted)}, ${quality} ${fixed(prediction.quality)}${qi}`);
    }
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
});
