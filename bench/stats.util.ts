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

/** Nearest-rank percentile (p in 0..100); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Best (lowest) nanoseconds per call of each function, rounds interleaved so drift hits all alike. Each
 * function runs in a loop compiled for it alone: a loop shared by several functions would turn polymorphic
 * and slow down whichever is timed after the first.
 */
export function nsPerCallEach<K extends string>(fns: Record<K, () => unknown>, calls = 1_000_000, rounds = 15): Record<K, number> {
  const names = Object.keys(fns) as K[];
  const loops = new Map(names.map((name) => [name, new Function('fn', 'calls', 'let sink; for (let i = 0; i < calls; i++) sink = fn(); return sink;') as (fn: () => unknown, calls: number) => unknown]));
  const best = Object.fromEntries(names.map((name) => [name, Infinity])) as Record<K, number>;
  let sink: unknown;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const started = performance.now();
      sink = loops.get(name)!(fns[name], calls);
      best[name] = Math.min(best[name], ((performance.now() - started) * 1e6) / calls);
    }
  }
  if (sink === Symbol.for('never')) console.log(sink); // keeps the loops from being optimised away
  return best;
}
