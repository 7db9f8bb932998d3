// The safetensors format (https://github.com/huggingface/safetensors). Written as float32; read from float32
// and from every other dtype whose values float32 holds exactly (see dtypes.ts), so PyTorch files with int64
// counters (BatchNorm's num_batches_tracked), float16/bfloat16 weights and integer tensors load as they are:
//   8 bytes: N, the header length, unsigned 64-bit little-endian
//   N bytes: UTF-8 JSON {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [...],
//            "data_offsets": [begin, end]}, ...}, padded with spaces so the data starts 8-byte aligned
//   rest:    the tensors' raw little-endian bytes; offsets count from the start of this section.
// Loading treats the file as untrusted: every header field is checked against the file size before any
// tensor memory is allocated, so a corrupt file is a SafetensorsError, never a crash or a huge allocation.

import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { NablaError, Tensor, describeValue, fmtShape } from '@nabla/core';
import { writeAtomically } from './atomicWrite.js';
import { DTYPE_BYTES, isConvertible, readDtype } from './dtypes.js';
import { fileError } from './fileErrors.js';

export class SafetensorsError extends NablaError {
  override name = 'SafetensorsError';
}

export type NamedTensors = Map<string, Tensor> | Record<string, Tensor>;

export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  /** The `__metadata__` strings ({} when the file has none). */
  metadata: Record<string, string>;
  /** Each tensor's dtype in the file ('F32', 'I64', ...); every tensor is float32 once loaded. */
  dtypes: Map<string, string>;
}

/** Headers larger than this are refused before reading them (a guard against hostile length fields). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const METADATA_KEY = '__metadata__';
/** The dtypes of the format, so that a file in another dtype gets a precise message. */
const KNOWN_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

// ---- writing --------------------------------------------------------------------------------------

interface Layout {
  /** Length field, JSON header and padding. */
  head: Uint8Array;
  tensors: [string, Tensor][];
  /** Bytes of the whole file. */
  size: number;
}

function entriesOf(where: string, tensors: NamedTensors): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object') {
    throw new SafetensorsError(`${where}: expected a Map or an object of named tensors, got ${tensors === null ? 'null' : typeof tensors}`);
  }
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new SafetensorsError(`${where}: tensor names must be strings, got ${typeof name}`);
    if (name === METADATA_KEY) throw new SafetensorsError(`${where}: '${METADATA_KEY}' is reserved by the format and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new SafetensorsError(`${where}: '${name}' is not a Tensor (got ${describeValue(t)})`);
  }
  return entries;
}

function checkMetadata(where: string, metadata: unknown): Record<string, string> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new SafetensorsError(`${where}: metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new SafetensorsError(`${where}: metadata '${k}' must be a string (the format stores only strings), got ${typeof v}`);
  }
  return metadata as Record<string, string>;
}

function layout(where: string, tensors: NamedTensors, metadata?: Record<string, string>): Layout {
  const entries = entriesOf(where, tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header[METADATA_KEY] = checkMetadata(where, metadata);
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = t.size * 4;
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const head = new Uint8Array(8 + padded).fill(0x20);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { head, tensors: entries, size: head.length + offset };
}

/** The little-endian bytes of a tensor's elements (a view of its memory when possible). */
function bytesOf(t: Tensor): Uint8Array {
  const data = t.data();
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}

/** The bytes of a safetensors file holding these tensors (for in-memory use; saveSafetensors streams). */
export function encodeSafetensors(tensors: NamedTensors, metadata?: Record<string, string>): Uint8Array {
  const plan = layout('encodeSafetensors', tensors, metadata);
  const out = new Uint8Array(plan.size);
  out.set(plan.head, 0);
  let at = plan.head.length;
  for (const [, t] of plan.tensors) {
    out.set(bytesOf(t), at);
    at += t.size * 4;
  }
  return out;
}

/**
 * Writes tensors (and optional string metadata) to `path` atomically: the bytes go to a temporary file in
 * the same folder, which is flushed to disk and then renamed over `path`, so a crash mid-save leaves the
 * previous file intact; the next save removes the partial file a crashed one left.
 */
export async function saveSafetensors(path: string, tensors: NamedTensors, metadata?: Record<string, string>): Promise<void> {
  const where = `saveSafetensors(${path})`;
  if (typeof path !== 'string' || path === '') throw new SafetensorsError(`saveSafetensors: path must be a non-empty string, got ${describeValue(path)}`);
  const plan = layout('saveSafetensors', tensors, metadata);
  // A missing folder is made, as Keras' ModelCheckpoint does ('runs/today/epoch-{epoch}.safetensors').
  const folder = dirname(resolve(path));
  try {
    await mkdir(folder, { recursive: true });
  } catch (err) {
    throw fileError(where, `cannot create the folder ${folder}`, err);
  }
  try {
    await writeAtomically(path, function* chunks() {
      yield plan.head;
      for (const [, t] of plan.tensors) yield bytesOf(t);
    });
  } catch (err) {
    throw fileError(where, 'cannot write the file', err);
  }
}

// ---- reading --------------------------------------------------------------------------------------

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

interface ParsedHeader {
  entries: Entry[];
  metadata: Record<string, string>;
}

function fail(where: string, message: string): never {
  throw new SafetensorsError(`${where}: ${message}`);
}

/** Reads N from the first 8 bytes and checks it against the file size and MAX_HEADER_BYTES. */
function headerLength(where: string, first8: Uint8Array, fileSize: number): number {
  if (fileSize < 8) fail(where, `the file is ${fileSize} bytes, too short for the 8-byte header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(where, `the header length field says ${n} bytes, more than the ${MAX_HEADER_BYTES}-byte limit (corrupt file?)`);
  if (8n + n > BigInt(fileSize)) fail(where, `the header length field says ${n} bytes, but the file has only ${fileSize - 8} bytes after it (truncated or corrupt file)`);
  if (n < 2n) fail(where, `the header length field says ${n} bytes, too short for a JSON object`);
  return Number(n);
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Parses and validates the JSON header against the size of the data section. Allocates no tensor memory. */
function parseHeader(where: string, headerBytes: Uint8Array, dataSize: number): ParsedHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail(where, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(where, `the header does not start with a JSON object (first byte 0x${headerBytes[0]!.toString(16).padStart(2, '0')})`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(where, `the header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(where, 'the header is not a JSON object');
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(where, `'${METADATA_KEY}' must be an object of strings`);
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') fail(where, `'${METADATA_KEY}' entry '${k}' is ${JSON.stringify(v)}, not a string`);
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    entries.push(checkEntry(where, name, info, dataSize));
  }
  // The tensors must tile the data section exactly: no gaps, no overlaps, nothing left over.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected) {
      fail(where, `tensor '${e.name}' starts at byte ${e.begin} of the data, expected ${expected} ` +
        `(${e.begin < expected ? 'it overlaps the tensor before it' : 'there is a gap before it'})`);
    }
    expected = e.end;
  }
  if (expected !== dataSize) fail(where, `the tensors cover ${expected} bytes of data, but the file has ${dataSize} bytes of data after the header`);
  return { entries, metadata };
}

function checkEntry(where: string, name: string, info: unknown, dataSize: number): Entry {
  const what = `tensor '${name}'`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(where, `${what}: expected {dtype, shape, data_offsets}, got ${JSON.stringify(info)}`);
  const { dtype, shape, data_offsets: offsets, ...extra } = info as Record<string, unknown>;
  const unknown = Object.keys(extra);
  if (unknown.length > 0) fail(where, `${what}: unknown field(s) ${unknown.join(', ')}`);
  if (typeof dtype !== 'string') fail(where, `${what}: dtype is missing or not a string`);
  if (dtype !== 'F32' && !isConvertible(dtype)) {
    fail(where, KNOWN_DTYPES.includes(dtype)
      ? `${what} has dtype ${dtype}, which nabla cannot read (it reads F32, F64, F16, BF16, I64, I32, I16, I8, ` +
        'U64, U32, U16, U8 and BOOL); convert it to float32 before saving'
      : `${what} has unknown dtype ${JSON.stringify(dtype)}`);
  }
  const bytesPerElement = DTYPE_BYTES[dtype]!;
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail(where, `${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  // The element count, stopped as soon as it exceeds what the data section could hold.
  const capacity = Math.floor(dataSize / bytesPerElement);
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > capacity) fail(where, `${what}: shape ${fmtShape(shape)} needs more than the ${dataSize} bytes of data in the file`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    fail(where, `${what}: data_offsets must be two non-negative integers [begin, end], got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataSize) fail(where, `${what}: data_offsets [${begin}, ${end}] are outside the ${dataSize} bytes of data`);
  if (end - begin !== count * bytesPerElement) {
    fail(where, `${what}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${fmtShape(shape)} of ${dtype} needs ${count * bytesPerElement}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** A float32 array from little-endian bytes. */
function toFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** Parses the bytes of a safetensors file. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  const where = 'decodeSafetensors';
  if (!(bytes instanceof Uint8Array)) fail(where, `expected a Uint8Array, got ${typeof bytes}`);
  const n = headerLength(where, bytes.subarray(0, 8), bytes.length);
  const dataStart = 8 + n;
  const { entries, metadata } = parseHeader(where, bytes.subarray(8, dataStart), bytes.length - dataStart);
  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, string>();
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    const values = e.dtype === 'F32' ? toFloats(raw) : readDtype(raw, e.dtype, e.name, (m) => fail(where, m));
    tensors.set(e.name, new Tensor(values, e.shape));
    dtypes.set(e.name, e.dtype);
  }
  return { tensors, metadata, dtypes };
}

/** Reads a safetensors file: only the header first, then each tensor once the header has been validated. */
export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  const where = `loadSafetensors(${path})`;
  if (typeof path !== 'string' || path === '') throw new SafetensorsError(`loadSafetensors: path must be a non-empty string, got ${describeValue(path)}`);
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    throw fileError(where, 'cannot open the file', err);
  }
  try {
    const readExactly = async (into: Uint8Array, position: number): Promise<void> => {
      let done = 0;
      while (done < into.length) {
        const { bytesRead } = await file.read(into, done, into.length - done, position + done);
        if (bytesRead === 0) fail(where, `unexpected end of file at byte ${position + done} (was it truncated while reading?)`);
        done += bytesRead;
      }
    };
    const stats = await file.stat();
    if (stats.isDirectory()) fail(where, 'the path is a folder, not a safetensors file');
    const size = stats.size;
    const first8 = new Uint8Array(8);
    if (size >= 8) await readExactly(first8, 0);
    const n = headerLength(where, first8, size);
    const headerBytes = new Uint8Array(n);
    await readExactly(headerBytes, 8);
    const dataStart = 8 + n;
    const { entries, metadata } = parseHeader(where, headerBytes, size - dataStart);
    const tensors = new Map<string, Tensor>();
    const dtypes = new Map<string, string>();
    for (const e of entries) {
      dtypes.set(e.name, e.dtype);
      if (e.dtype !== 'F32') {
        const raw = new Uint8Array(e.end - e.begin);
        await readExactly(raw, dataStart + e.begin);
        tensors.set(e.name, new Tensor(readDtype(raw, e.dtype, e.name, (m) => fail(where, m)), e.shape));
        continue;
      }
      const data = new Float32Array((e.end - e.begin) / 4);
      const raw = new Uint8Array(data.buffer);
      await readExactly(raw, dataStart + e.begin);
      tensors.set(e.name, new Tensor(LITTLE_ENDIAN ? data : toFloats(raw), e.shape));
    }
    return { tensors, metadata, dtypes };
  } finally {
    await file.close();
  }
}
