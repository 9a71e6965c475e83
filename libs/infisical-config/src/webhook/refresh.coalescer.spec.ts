import { jest } from '@jest/globals';
import { RefreshCoalescer } from './refresh.coalescer.js';

const MIN_INTERVAL_MS = 1_000;

/** A run that takes `durationMs` and records when it started (fake time). */
function fakeRun(durationMs: number) {
  const starts: number[] = [];
  let running = 0;
  let maxConcurrent = 0;
  const run = async () => {
    starts.push(Date.now());
    running += 1;
    maxConcurrent = Math.max(maxConcurrent, running);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    running -= 1;
  };
  return { run, starts, concurrency: () => maxConcurrent };
}

describe('RefreshCoalescer', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('never runs inside trigger(): the first run starts on the next timer tick', async () => {
    const { run, starts } = fakeRun(10);
    const coalescer = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    expect(coalescer.trigger()).toBe('scheduled');
    expect(starts).toEqual([]);
    await jest.advanceTimersByTimeAsync(0);
    expect(starts).toEqual([1_000_000]);
  });

  it('a burst before the run starts becomes one run', async () => {
    const { run, starts } = fakeRun(10);
    const coalescer = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    const plans = Array.from({ length: 50 }, () => coalescer.trigger());
    expect(plans[0]).toBe('scheduled');
    expect(new Set(plans.slice(1))).toEqual(new Set(['coalesced']));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(starts).toHaveLength(1);
  });

  it('triggers during a run lead to exactly one follow-up, started minIntervalMs after the first', async () => {
    const { run, starts } = fakeRun(200);
    const coalescer = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(50); // running now
    expect(coalescer.trigger()).toBe('follow-up');
    expect(coalescer.trigger()).toBe('coalesced');
    expect(coalescer.trigger()).toBe('coalesced');
    await jest.advanceTimersByTimeAsync(900); // the run ended at 200; the follow-up waits for 1,000
    expect(starts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(50);
    expect(starts).toEqual([1_000_000, 1_001_000]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(starts).toHaveLength(2);
  });

  it('a run slower than minIntervalMs is followed at once when it ends, never overlapped', async () => {
    const { run, starts, concurrency } = fakeRun(3_000);
    const coalescer = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(100);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(3_000); // 0 ms timers fire after 1 ms, as in Node
    expect(starts[1] - starts[0]).toBeLessThanOrEqual(3_001);
    expect(concurrency()).toBe(1);
  });

  it('a flood of triggers cannot start more than one run per minIntervalMs', async () => {
    const { run, starts, concurrency } = fakeRun(120);
    const coalescer = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    for (let elapsed = 0; elapsed < 10_000; elapsed += 7) {
      coalescer.trigger();
      coalescer.trigger();
      await jest.advanceTimersByTimeAsync(7);
    }
    await jest.advanceTimersByTimeAsync(5_000);
    const gaps = starts.slice(1).map((start, index) => start - starts[index]);
    expect(gaps.every((gap) => gap >= MIN_INTERVAL_MS)).toBe(true);
    expect(starts.length).toBeGreaterThanOrEqual(10);
    expect(starts.length).toBeLessThanOrEqual(11);
    expect(concurrency()).toBe(1);
  });

  it('after a quiet spell longer than minIntervalMs, runs on the next tick; sooner than that, waits out the interval', async () => {
    const { run, starts } = fakeRun(10);
    const coalescer = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(300);
    expect(coalescer.trigger()).toBe('scheduled');
    await jest.advanceTimersByTimeAsync(699);
    expect(starts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([1_000_000, 1_001_000]);

    await jest.advanceTimersByTimeAsync(5_000);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(0);
    expect(starts).toEqual([1_000_000, 1_001_000, 1_006_000]);
  });

  it('with minIntervalMs 0, only the in-flight-plus-one rule holds', async () => {
    const { run, starts } = fakeRun(100);
    const coalescer = new RefreshCoalescer(run, 0);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(10);
    coalescer.trigger();
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(100);
    expect(starts[1] - starts[0]).toBeLessThanOrEqual(101);
  });

  it('a run that rejects harms nothing: the next trigger runs again', async () => {
    let calls = 0;
    const coalescer = new RefreshCoalescer(async () => {
      calls += 1;
      throw new Error('boom');
    }, MIN_INTERVAL_MS);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(0);
    coalescer.trigger();
    await jest.advanceTimersByTimeAsync(MIN_INTERVAL_MS);
    expect(calls).toBe(2);
    expect(coalescer.started).toBe(2);
  });

  it('close() drops the planned run and the follow-up, and refuses new triggers', async () => {
    const { run, starts } = fakeRun(100);
    const planned = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    planned.trigger();
    planned.close();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(starts).toEqual([]);

    const running = new RefreshCoalescer(run, MIN_INTERVAL_MS);
    running.trigger();
    await jest.advanceTimersByTimeAsync(10);
    expect(running.trigger()).toBe('follow-up');
    running.close();
    expect(running.trigger()).toBe('closed');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(starts).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
