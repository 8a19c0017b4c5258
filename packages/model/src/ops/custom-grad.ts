// A typed wrapper over tf.customGrad: tfjs types the inner function's inputs as (Tensor | GradSaveFunc)[], which
// strict mode cannot narrow; this passes the inputs as a tuple and the save function separately.
import * as tf from '@tensorflow/tfjs-core';

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

export interface CustomGradientResult<O extends tf.Tensor> {
  value: O;
  /** One gradient per input, in input order; `saved` holds what the forward passed to `save`. */
  gradFunc: (dy: O, saved: tf.Tensor[]) => tf.Tensor[];
}

/** Builds a differentiable function of `inputs` whose gradient is `gradFunc` instead of the recorded ops'. */
export function customGradient<I extends tf.Tensor[], O extends tf.Tensor>(
  f: (inputs: I, save: tf.GradSaveFunc) => CustomGradientResult<O>,
): (...inputs: I) => O {
  const g = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return f(args.slice(0, -1) as I, save);
  }) as unknown as CustomGradientFunc);
  return (...inputs: I) => g(...inputs) as O;
}
