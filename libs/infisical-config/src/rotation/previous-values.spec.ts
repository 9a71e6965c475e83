import { jest } from '@jest/globals';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { diffSnapshots } from '../snapshot/snapshot-diff.js';
import { PreviousValues } from './previous-values.js';

const snapshot = (values: Record<string, string>) => new SecretsSnapshot(values, 'infisical', new Date(), 1);

describe('PreviousValues', () => {
  let previous: PreviousValues;
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    previous.close();
    jest.useRealTimers();
  });

  const rotate = (from: Record<string, string>, to: Record<string, string>) => previous.remember(snapshot(from), diffSnapshots(snapshot(from), snapshot(to)));

  it('holds the replaced value of a named key for the window, then drops it', () => {
    previous = new PreviousValues(new Set(['JWT_SECRET']), 1_000);
    rotate({ JWT_SECRET: 'one', OTHER: 'x' }, { JWT_SECRET: 'two', OTHER: 'y' });
    expect(previous.get('JWT_SECRET')).toBe('one');
    expect(previous.get('OTHER')).toBeUndefined();
    jest.advanceTimersByTime(999);
    expect(previous.get('JWT_SECRET')).toBe('one');
    jest.advanceTimersByTime(1);
    expect(previous.get('JWT_SECRET')).toBeUndefined();
  });

  it('a second rotation within the window keeps the value it replaced, with a fresh window', () => {
    previous = new PreviousValues(new Set(['JWT_SECRET']), 1_000);
    rotate({ JWT_SECRET: 'one' }, { JWT_SECRET: 'two' });
    jest.advanceTimersByTime(600);
    rotate({ JWT_SECRET: 'two' }, { JWT_SECRET: 'three' });
    jest.advanceTimersByTime(600);
    expect(previous.get('JWT_SECRET')).toBe('two');
  });

  it('a removed key keeps its last value for the window; an added one has none', () => {
    previous = new PreviousValues(new Set(['JWT_SECRET', 'NEW']), 1_000);
    rotate({ JWT_SECRET: 'one' }, { NEW: 'n' });
    expect(previous.get('JWT_SECRET')).toBe('one');
    expect(previous.get('NEW')).toBeUndefined();
  });

  it('close() drops everything, clears its timers and keeps nothing afterwards', () => {
    previous = new PreviousValues(new Set(['JWT_SECRET']), 1_000);
    rotate({ JWT_SECRET: 'one' }, { JWT_SECRET: 'two' });
    previous.close();
    expect(previous.get('JWT_SECRET')).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
    rotate({ JWT_SECRET: 'two' }, { JWT_SECRET: 'three' });
    expect(previous.get('JWT_SECRET')).toBeUndefined();
  });
});
