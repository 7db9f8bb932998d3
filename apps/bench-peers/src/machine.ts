// What the run ran on: CPU model and features from /proc/cpuinfo, load, versions.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface Machine {
  cpu: string;
  cpuFamily?: string;
  cpuModelNumber?: string;
  cores: number;
  avx512f: boolean;
  avx2: boolean;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: the model comes from Node alone
  }
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  return {
    cpu: field('model name') ?? cpus()[0]?.model ?? 'unknown',
    cpuFamily: field('cpu family'),
    cpuModelNumber: field('model'),
    cores: cpus().length,
    avx512f: flags.has('avx512f'),
    avx2: flags.has('avx2'),
    kernel: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout?.trim() ?? '',
    node: process.version,
  };
}

export function loadAverage(): [number, number, number] {
  const [a, b, c] = loadavg();
  return [a!, b!, c!];
}
