// The MNIST subset the build put beside the page (raw uint8 pixels and labels, no header), and the batching:
// shuffled each epoch by a seeded generator, pixels divided by 255. (@nabla/data's DataLoader and MNIST
// reader read files with node:fs, so the page does its own small batching.)

export const FEATURES = 28 * 28;

export interface Split {
  n: number;
  /** n × 784 pixels, row-major, 0..255. */
  images: Uint8Array;
  /** n labels, 0..9. */
  labels: Uint8Array;
}

export interface Mnist {
  train: Split;
  test: Split;
}

async function bytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function split(name: 'train' | 'test', n: number): Promise<Split> {
  const [images, labels] = await Promise.all([bytes(`data/${name}-images.bin`), bytes(`data/${name}-labels.bin`)]);
  if (images.length !== n * FEATURES || labels.length !== n) {
    throw new Error(`data/${name}-*.bin: expected ${n} images and labels, got ${images.length / FEATURES} and ${labels.length}`);
  }
  return { n, images, labels };
}

export async function loadMnist(): Promise<Mnist> {
  const res = await fetch('data/mnist.json');
  if (!res.ok) throw new Error(`fetching data/mnist.json: HTTP ${res.status}`);
  const meta = (await res.json()) as { train: number; test: number };
  const [train, test] = await Promise.all([split('train', meta.train), split('test', meta.test)]);
  return { train, test };
}

/** mulberry32: a small seeded generator, so every run sees the batches in the same order. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Batch {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** Endless batches over a split, reshuffled at every epoch; drops the last partial batch of an epoch. */
export class Batches {
  epoch = 0;
  private order: Uint32Array;
  private position = 0;
  private readonly random: () => number;

  constructor(private readonly data: Split, readonly batchSize: number, seed = 1) {
    this.random = generator(seed);
    this.order = new Uint32Array(data.n).map((_, i) => i);
    this.shuffle();
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [o[i], o[j]] = [o[j]!, o[i]!];
    }
  }

  next(): Batch {
    if (this.position + this.batchSize > this.data.n) {
      this.epoch++;
      this.position = 0;
      this.shuffle();
    }
    const rows = this.batchSize;
    const x = new Float32Array(rows * FEATURES);
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const i = this.order[this.position + r]!;
      const src = this.data.images.subarray(i * FEATURES, (i + 1) * FEATURES);
      for (let f = 0; f < FEATURES; f++) x[r * FEATURES + f] = src[f]! / 255;
      y[r] = this.data.labels[i]!;
    }
    this.position += rows;
    return { x, y, rows };
  }

  /** Fraction of the current epoch done, for display (epoch 0.5 = halfway through the first pass). */
  get progress(): number {
    return this.epoch + this.position / this.data.n;
  }
}

/** Pixels of images [start, start + rows) of a split, divided by 255. */
export function pixels(data: Split, start: number, rows: number): Float32Array {
  const x = new Float32Array(rows * FEATURES);
  const src = data.images.subarray(start * FEATURES, (start + rows) * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = src[i]! / 255;
  return x;
}
