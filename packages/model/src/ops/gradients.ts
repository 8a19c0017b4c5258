// Gradients for the tfjs-core kernels the model differentiates through outside its custom gradients.
//
// tfjs-core's Node bundle registers no gradients at all: they come with the `@tensorflow/tfjs` union package (which
// tfjs-node pulls in), not with the core + cpu + wasm packages this package uses. Rather than depend on the union
// package (layers, converter, data, WebGL), the few kernels on the model's path get their gradient here — each one
// the textbook derivative, written with ops that have WASM kernels (no transposed matmuls, no UnsortedSegmentSum).
// A gradient that is already registered (e.g. by tfjs-node) is left alone.
import * as tf from '@tensorflow/tfjs-core';

type NamedGrads = Record<string, () => tf.Tensor>;
type Attrs = Record<string, unknown>;

/** Sums `dy` over the axes broadcasting added, so the gradient has `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  const reduced = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(reduced, shape);
}

/** Broadcasts a reduction's `dy` back over the reduced axes of `x`. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axisAttr: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axisAttr as number | number[], x.shape);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.mul(tf.reshape(dy, keptShape), tf.onesLike(x));
}

function transposeLast2(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return tf.transpose(x, perm);
}

interface Grad {
  kernelName: string;
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[], attrs: Attrs) => NamedGrads;
}

const binary = (name: string, da: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor, db: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Grad => ({
  kernelName: name,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(da(dy, a as tf.Tensor, b as tf.Tensor), (a as tf.Tensor).shape),
    b: () => unbroadcast(db(dy, a as tf.Tensor, b as tf.Tensor), (b as tf.Tensor).shape),
  }),
});

const unary = (name: string, dx: (dy: tf.Tensor, x: tf.Tensor, attrs: Attrs) => tf.Tensor): Grad => ({
  kernelName: name,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => dx(dy, x as tf.Tensor, attrs) }),
});

const GRADIENTS: Grad[] = [
  binary('Add', (dy) => dy, (dy) => dy),
  binary('Sub', (dy) => dy, (dy) => tf.neg(dy)),
  binary('Multiply', (dy, _a, b) => tf.mul(dy, b), (dy, a) => tf.mul(dy, a)),
  binary('RealDiv', (dy, _a, b) => tf.div(dy, b), (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b)))),
  binary(
    'Maximum',
    (dy, a, b) => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
    (dy, a, b) => tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
  ),
  unary('Neg', (dy) => tf.neg(dy)),
  unary('Identity', (dy) => dy),
  unary('Cast', (dy) => dy),
  unary('Square', (dy, x) => tf.mul(dy, tf.mul(x, tf.scalar(2)))),
  unary('Sqrt', (dy, x) => tf.div(dy, tf.mul(tf.sqrt(x), tf.scalar(2)))),
  // d/dx x^-1/2 = −½·x^-3/2.
  unary('Rsqrt', (dy, x) => tf.div(tf.mul(dy, tf.scalar(-0.5)), tf.mul(x, tf.sqrt(x)))),
  unary('Exp', (dy, x) => tf.mul(dy, tf.exp(x))),
  unary('Log', (dy, x) => tf.div(dy, x)),
  unary('Relu', (dy, x) => tf.mul(dy, tf.step(x))),
  unary('Reshape', (dy, x) => tf.reshape(dy, x.shape)),
  unary('Sum', (dy, x, attrs) => expandReduced(dy, x, attrs['axis'])),
  unary('Mean', (dy, x, attrs) => {
    const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
    const count = axes.reduce((n, a) => n * (x.shape[a] as number), 1);
    return tf.div(expandReduced(dy, x, attrs['axis']), tf.scalar(count));
  }),
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = attrs['perm'] as number[];
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return { x: () => tf.transpose(dy, inverse) };
    },
  },
  {
    // dx = y·(dy − Σ dy·y) along the softmax axis.
    kernelName: 'Softmax',
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => ({
      logits: () => {
        const dyTimesY = tf.mul(dy, y as tf.Tensor);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, attrs['dim'] as number, true), y as tf.Tensor));
      },
    }),
  },
  {
    // C = op(A)·op(B); every gradient is a plain product of explicitly transposed operands (fast on WASM).
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const A = a as tf.Tensor;
      const B = b as tf.Tensor;
      const tA = attrs['transposeA'] === true;
      const tB = attrs['transposeB'] === true;
      const T = transposeLast2;
      if (A.rank !== B.rank) throw new Error('BatchMatMul gradient: broadcast batch dimensions are not supported');
      if (!tA && !tB) return { a: () => tf.matMul(dy, T(B)), b: () => tf.matMul(T(A), dy) };
      if (!tA && tB) return { a: () => tf.matMul(dy, B), b: () => tf.matMul(T(dy), A) };
      if (tA && !tB) return { a: () => tf.matMul(B, T(dy)), b: () => tf.matMul(A, dy) };
      return { a: () => tf.matMul(T(B), T(dy)), b: () => tf.matMul(T(dy), T(A)) };
    },
  },
];

let registered = false;

/** Registers the gradients above for every kernel that has none yet (idempotent). */
export function registerModelGradients(): void {
  if (registered) return;
  registered = true;
  for (const g of GRADIENTS) {
    if (tf.getGradient(g.kernelName) === undefined) {
      tf.registerGradient(g as unknown as tf.GradConfig);
    }
  }
}
