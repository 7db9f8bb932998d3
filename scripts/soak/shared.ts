// What every soak section shares: a seeded generator, a tally of outcomes, and a failure that names what broke.
import { Generator } from '../../packages/core/src/index.js';

export interface Section {
  name: string;
  /** Runs the section at the given scale; returns the lines to print. Throws when something is wrong. */
  run(options: { quick: boolean; seed: number }): Promise<string[]>;
}

export function random(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.uniform();
}

export const randomInt = (rand: () => number, n: number): number => Math.floor(rand() * n);

/** Counts outcomes by name and prints them as "name N" pairs in insertion order. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(outcome: string, by = 1): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + by);
  }
  get(outcome: string): number {
    return this.counts.get(outcome) ?? 0;
  }
  toString(): string {
    return [...this.counts].map(([k, v]) => `${k} ${v}`).join(', ');
  }
}

export class SoakFailure extends Error {
  override name = 'SoakFailure';
}

export const MiB = 1 << 20;
