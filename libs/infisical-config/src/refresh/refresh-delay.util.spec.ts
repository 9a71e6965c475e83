import { regularRefreshDelay, retryDelay } from './refresh-delay.util.js';

describe('regularRefreshDelay', () => {
  it('is 80% of the TTL, spread by +-10%', () => {
    expect(regularRefreshDelay(300_000, 0.8, 0.1, () => 0.5)).toBe(240_000);
    expect(regularRefreshDelay(300_000, 0.8, 0.1, () => 0)).toBe(216_000);
    expect(regularRefreshDelay(300_000, 0.8, 0.1, () => 1)).toBe(264_000);
  });
});

describe('retryDelay', () => {
  it('doubles per failure, with half of it random, up to the cap', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelay(failures, 2_000, 60_000, () => 1))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelay(1, 2_000, 60_000, () => 0)).toBe(1_000);
    expect(retryDelay(30, 2_000, 60_000, () => 1)).toBe(60_000);
  });
});
