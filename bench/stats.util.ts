import { performance } from 'node:perf_hooks';

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median nanoseconds per call of `fn` over `rounds` rounds of `calls` calls. */
export function nsPerCall(fn: () => unknown, calls = 1_000_000, rounds = 7): number {
  let sink: unknown;
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) sink = fn();
    samples.push(((performance.now() - started) * 1e6) / calls);
  }
  if (sink === Symbol.for('never')) console.log(sink); // keeps the loop from being optimised away
  return median(samples);
}

export const fmt = (value: number, digits = 2) => value.toFixed(digits);
