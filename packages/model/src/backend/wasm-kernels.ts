// Fast paths for the WASM backend (@tensorflow/tfjs-backend-wasm, pinned at 4.22.0).
//
// That backend hands a matmul to XNNPACK only when it is a single non-transposed product (batch 1); every batched
// product — attention's QKᵀ and AV, batch·heads of them per layer — runs in a naive blocked loop at ≈ 1 GFLOP/s, a
// twentieth of the XNNPACK speed. Slicing the batch apart first does not help: the backend's Slice reads a copy of the
// WHOLE input for every slice.
//
// `shapesweepBatchMatMul` below computes a batched product [n, m, k] · [n, k, p] as n XNNPACK products over *views*:
// it registers, for each batch entry, a temporary tensor id in the backend's C++ tensor table that points into the
// middle of the operand's (and the output's) heap buffer, calls the backend's own BatchMatMul entry point on those
// ids, and unregisters them (without freeing: the memory belongs to the real tensors). No data is copied.
// The backend's Identity kernel copies its input. tfjs-core runs Identity for every tensor a gradient saves
// (`engine.clone`), so in training each saved activation was held twice; attention maps of 12 heads at 16 × 128² are
// 12.6 MB each. `registerWasmFastKernels` replaces it with the CPU backend's behaviour — share the buffer and count a
// reference, as the WASM Reshape already does — which is safe because tfjs tensors are immutable.
//
// This uses three internals of the 4.22 backend (dataIdMap memory offsets, the registerTensor/disposeData pair, and
// the exported BatchMatMul function), which is why the package version is pinned exactly; `batch-matmul.test.ts`
// checks the result against the plain kernel.
import * as tf from '@tensorflow/tfjs-core';

export const SHAPESWEEP_BATCH_MATMUL = 'ShapesweepBatchMatMul';

/** The parts of tfjs-backend-wasm's BackendWasm this file relies on (not exported as types by the package). */
interface WasmBackendInternals {
  dataIdNextNumber: number;
  incRef(dataId: object): void;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: {
    cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
  };
}

type WasmBatchMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: number, transposeB: number, outId: number,
) => void;

let registered = false;

function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** Registers the view-based batched matmul and the zero-copy Identity for the 'wasm' backend (idempotent). */
export function registerWasmFastKernels(): void {
  if (registered) return;
  registered = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      (backend as unknown as WasmBackendInternals).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  let call: WasmBatchMatMul | undefined;
  tf.registerKernel({
    kernelName: SHAPESWEEP_BATCH_MATMUL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as WasmBackendInternals;
      call ??= b.wasm.cwrap('BatchMatMul', null, [
        'number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number',
      ]) as unknown as WasmBatchMatMul;
      const x = inputs['a'] as tf.TensorInfo;
      const y = inputs['b'] as tf.TensorInfo;
      const [n, m, k] = x.shape as [number, number, number];
      const p = y.shape[2] as number;
      const out = b.makeOutput([n, m, p], 'float32');
      const xBase = b.dataIdMap.get(x.dataId)?.memoryOffset;
      const yBase = b.dataIdMap.get(y.dataId)?.memoryOffset;
      const outBase = b.dataIdMap.get(out.dataId)?.memoryOffset;
      if (xBase === undefined || yBase === undefined || outBase === undefined) {
        throw new Error('ShapesweepBatchMatMul: operand is not on the WASM heap');
      }
      const aShape = shapeBytes([1, m, k]);
      const bShape = shapeBytes([1, k, p]);
      // 4 bytes per float32 element.
      for (let i = 0; i < n; i++) {
        const aId = b.dataIdNextNumber++;
        const bId = b.dataIdNextNumber++;
        const oId = b.dataIdNextNumber++;
        b.wasm.tfjs.registerTensor(aId, m * k, xBase + 4 * i * m * k);
        b.wasm.tfjs.registerTensor(bId, k * p, yBase + 4 * i * k * p);
        b.wasm.tfjs.registerTensor(oId, m * p, outBase + 4 * i * m * p);
        call(aId, aShape, 3, bId, bShape, 3, 0, 0, oId);
        // Unregister only: disposing the B id also drops the XNNPACK operator cached for it.
        b.wasm.tfjs.disposeData(aId);
        b.wasm.tfjs.disposeData(bId);
        b.wasm.tfjs.disposeData(oId);
      }
      return out;
    },
  });
}
