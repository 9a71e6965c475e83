// Event-loop block detector for one measured window: a 1 ms interval timer records the gap between its
// consecutive callbacks (a block of B ms shows as a gap of about B + 1 ms), and a fresh
// monitorEventLoopDelay histogram (resolution 1 ms) runs over the same window. A window closes only after a
// few more ticks, so the block that ends last is recorded too.
// On Linux each gap also gets the main thread's own time on a CPU and waiting for one (schedstat): on a
// shared machine a long gap can be another process holding the CPU rather than work on this loop.
import { closeSync, openSync, readSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export const TICK_MS = 1;
/** Ticks after the measured work: the callback that ends its last block must run inside the window. */
const TAIL_MS = 15;

export interface BlockWindow {
  /** Longest gap between two 1 ms ticks (the longest block, plus at most a tick). */
  maxGapMs: number;
  /** Of the longest gap: the main thread's time on a CPU, and waiting for one (NaN off Linux). */
  maxGapCpuMs: number;
  maxGapWaitMs: number;
  /** Longest time the main thread spent on a CPU within one gap: the longest block of this loop's own work. */
  maxCpuGapMs: number;
  /** Longest gap less the time the main thread waited for a CPU within it: the block an idle machine would show. */
  maxOwnGapMs: number;
  /** Every gap of the window, for pooled percentiles. */
  gapsMs: number[];
  eldP99Ms: number;
  eldMaxMs: number;
  /** Window length, tail included. */
  ms: number;
}

/** The main thread's [on CPU, waiting for a CPU] in ms, from /proc (Linux); undefined elsewhere. */
class MainThreadClock {
  private readonly fd: number | undefined;
  private readonly buffer = Buffer.alloc(96);

  constructor() {
    try {
      this.fd = openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'r');
    } catch {
      this.fd = undefined;
    }
  }

  read(): [number, number] | undefined {
    if (this.fd === undefined) return undefined;
    const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    const [run, wait] = this.buffer.toString('latin1', 0, length).split(' ');
    return [Number(run) / 1e6, Number(wait) / 1e6];
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

interface Gaps {
  wall: number[];
  cpu: number[];
  wait: number[];
}

export class BlockDetector {
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private lastClock: [number, number] | undefined;
  private readonly clock = new MainThreadClock();
  private window: { gaps: Gaps; histogram: IntervalHistogram; started: number } | undefined;
  private readonly listeners = new Set<(now: number) => void>();

  start(): void {
    if (this.timer) return;
    this.lastTick = performance.now();
    this.lastClock = this.clock.read();
    this.timer = setInterval(() => {
      const now = performance.now();
      const clock = this.clock.read();
      if (this.window) {
        this.window.gaps.wall.push(now - this.lastTick);
        this.window.gaps.cpu.push(clock && this.lastClock ? clock[0] - this.lastClock[0] : NaN);
        this.window.gaps.wait.push(clock && this.lastClock ? clock[1] - this.lastClock[1] : NaN);
      }
      this.lastTick = now;
      this.lastClock = clock;
      for (const listener of this.listeners) listener(now);
    }, TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    this.clock.close();
  }

  /** Runs `listener` on every tick (between two turns of the loop) until the returned function is called. */
  onTick(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Measures `work`: one window, a histogram of its own (a re-enabled one would count the pause). */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; window: BlockWindow }> {
    if (this.window) throw new Error('BlockDetector: windows do not nest');
    this.start();
    const histogram = monitorEventLoopDelay({ resolution: TICK_MS });
    const started = performance.now();
    this.lastTick = started; // a gap counts from the window's start, not from a tick before it
    this.lastClock = this.clock.read();
    this.window = { gaps: { wall: [], cpu: [], wait: [] }, histogram, started };
    histogram.enable();
    try {
      const result = await work();
      await sleep(TAIL_MS);
      return { result, window: this.summary() };
    } finally {
      histogram.disable();
      this.window = undefined;
    }
  }

  private summary(): BlockWindow {
    const { gaps, histogram, started } = this.window!;
    let longest = 0;
    for (let i = 1; i < gaps.wall.length; i++) if (gaps.wall[i] > gaps.wall[longest]) longest = i;
    return {
      maxGapMs: gaps.wall[longest] ?? 0,
      maxGapCpuMs: gaps.cpu[longest] ?? NaN,
      maxGapWaitMs: gaps.wait[longest] ?? NaN,
      maxCpuGapMs: gaps.cpu.reduce((max, cpu) => Math.max(max, cpu), 0),
      maxOwnGapMs: gaps.wall.reduce((max, wall, i) => Math.max(max, wall - gaps.wait[i]), 0),
      gapsMs: gaps.wall,
      eldP99Ms: histogram.percentile(99) / 1e6,
      eldMaxMs: histogram.max / 1e6,
      ms: performance.now() - started,
    };
  }
}
