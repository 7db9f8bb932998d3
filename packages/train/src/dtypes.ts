// The safetensors dtypes nabla reads, converted to float32 only where that changes no value: every F16 and
// BF16 value is a float32 value; integers (and booleans) are exact up to 2^24 in magnitude, and beyond when
// float32 happens to hold them; an F64 value must be a float32 value. Anything else is refused with the
// tensor, the element and the value named, rather than loaded rounded.

/** Bytes per element of each dtype the format defines (F8 ones included, to size-check their entries). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8,
  I64: 8, U64: 8,
};

type Reader = (view: DataView, byte: number) => number | bigint;

const READERS: Readonly<Record<string, Reader>> = {
  BOOL: (v, b) => v.getUint8(b),
  U8: (v, b) => v.getUint8(b),
  I8: (v, b) => v.getInt8(b),
  I16: (v, b) => v.getInt16(b, true),
  U16: (v, b) => v.getUint16(b, true),
  F16: (v, b) => halfToFloat(v.getUint16(b, true)),
  BF16: (v, b) => bfloat16ToFloat(v, b),
  I32: (v, b) => v.getInt32(b, true),
  U32: (v, b) => v.getUint32(b, true),
  F64: (v, b) => v.getFloat64(b, true),
  I64: (v, b) => v.getBigInt64(b, true),
  U64: (v, b) => v.getBigUint64(b, true),
};

/** True for the dtypes readDtype converts (F32 is read directly). */
export function isConvertible(dtype: string): boolean {
  return dtype in READERS;
}

/** IEEE half precision to a number (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the upper half of a float32. */
function bfloat16ToFloat(view: DataView, byte: number): number {
  scratch.setUint16(0, view.getUint16(byte, true));
  scratch.setUint16(2, 0);
  return scratch.getFloat32(0);
}

/**
 * The elements of `bytes` (little-endian `dtype`) as float32. Throws `fail(message)` at the first value that
 * float32 cannot hold exactly.
 */
export function readDtype(bytes: Uint8Array, dtype: string, tensorName: string, fail: (message: string) => never): Float32Array {
  const read = READERS[dtype]!;
  const size = DTYPE_BYTES[dtype]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / size);
  for (let i = 0; i < out.length; i++) {
    const raw = read(view, i * size);
    const value = Number(raw);
    out[i] = value;
    // A 64-bit integer beyond 2^53 is not even a float64; float32 is a subset of float64.
    const exact = (out[i] === value || Number.isNaN(value)) && (typeof raw !== 'bigint' || BigInt(value) === raw);
    if (!exact) {
      fail(
        `tensor '${tensorName}' has dtype ${dtype}, and its element ${i} (${raw}) is not exactly a float32 value ` +
        `(it would load as ${out[i]}); nabla computes in float32: convert the tensor to float32 before saving ` +
        '(e.g. tensor.float() in PyTorch) if rounding is acceptable',
      );
    }
  }
  return out;
}
