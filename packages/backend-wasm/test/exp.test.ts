import { describe, it } from 'vitest';
import { expectBitwise, js, pair, upload, wk } from './helpers.js';

/** Every `step`-th float32 bit pattern between two floats of the same sign, as values. */
function sweep(from: number, to: number, step: number): Float32Array {
  const bits = new Uint32Array(Float32Array.of(from, to).buffer);
  const [lo, hi] = bits[0]! < bits[1]! ? [bits[0]!, bits[1]!] : [bits[1]!, bits[0]!];
  const out = new Uint32Array(Math.floor((hi - lo) / step) + 1);
  for (let i = 0; i < out.length; i++) out[i] = lo + i * step;
  return new Float32Array(out.buffer);
}

// The fast exp path (exp.h) must give exactly float32(Math.exp(x)); these sweeps cover the normal range,
// the overflow and subnormal edges, and the binades where rounding midpoints are densest.
const inputs = Float32Array.from([
  ...sweep(0, 110, 1009), ...sweep(-0, -110, 1013), ...sweep(88.5, 89, 1), ...sweep(-87.2, -87.4, 3),
  ...sweep(-103, -105, 7), 0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45,
]);

describe('exp fast path', () => {
  it(`unary exp equals Math.exp rounded to float32 over ${inputs.length} inputs`, () => {
    const x = pair(inputs, [inputs.length]);
    const expected = new Float32Array(inputs.length);
    js.unary('exp', x.js, expected);
    const out = wk.alloc(inputs.length);
    wk.unary('exp', x.wasm, out);
    expectBitwise(wk.read(out), expected, 'exp');
  });

  it('sigmoid, swish and the elu derivative stay bitwise equal to backend-js', () => {
    const n = 400000;
    const x = inputs.subarray(0, n).map((v, i) => (i % 2 ? -v : v) / 4);
    const dy = x.map((v, i) => ((i * 7919) % 1000) / 333 - 1.5);
    const xs = upload(x), dys = upload(dy);
    for (const act of ['sigmoid', 'swish', 'elu'] as const) {
      const y = new Float32Array(n), dx = new Float32Array(n);
      js.activation(act, 1.1, x, y);
      js.activationBackward(act, 1.1, x, y, dy, dx);
      const ys = wk.alloc(n), dxs = wk.alloc(n);
      wk.activation(act, 1.1, xs, ys);
      wk.activationBackward(act, 1.1, xs, ys, dys, dxs);
      expectBitwise(wk.read(ys), y, act);
      expectBitwise(wk.read(dxs), dx, `${act} backward`);
    }
  });
});

describe('tanh fast path', () => {
  it('equals Math.tanh rounded to float32 over a sweep of both signs', () => {
    const x = Float32Array.from([...sweep(0, 400, 1511), ...sweep(-0, -400, 1499), ...sweep(0.5, 0.6, 1), 0, -0, NaN, Infinity, -Infinity, 1e-45]);
    const y = new Float32Array(x.length);
    js.activation('tanh', 0, x, y);
    const ys = wk.alloc(x.length);
    wk.activation('tanh', 0, upload(x), ys);
    expectBitwise(wk.read(ys), y, 'tanh');
  });
});
