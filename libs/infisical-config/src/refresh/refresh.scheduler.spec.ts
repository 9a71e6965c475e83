import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { InfisicalRefreshOptions } from '../infisical-config.options.js';
import { resolveInfisicalOptions } from '../options/resolve-options.js';
import { SecretsSnapshot, type SecretsSource } from '../snapshot/secrets-snapshot.js';
import { SnapshotStore } from '../snapshot/snapshot.store.js';
import type { InfisicalSource } from '../source/infisical.source.js';
import type { RefreshCoordinator, RefreshOutcome } from './refresh.coordinator.js';
import { RefreshState } from './refresh-state.js';
import { REFRESH_TIMER, RefreshScheduler, TOKEN_RENEWAL_TIMER } from './refresh.scheduler.js';

// ttl 100 s × refreshAt 0.8 = 80 s; random() = 0.5 means no jitter and half-way retry delays:
// retryDelay(n) = ceiling/2 + ceiling/4 with ceiling = min(60 s, 2 s × 2^(n-1)) → 1.5 s, 3 s, 6 s...
const REGULAR_MS = 80_000;
const RETRY_1_MS = 1_500;
const RETRY_2_MS = 3_000;

const optionsWith = (refresh: InfisicalRefreshOptions = {}) =>
  resolveInfisicalOptions(
    {
      siteUrl: 'http://127.0.0.1:9',
      projectId: 'proj-1',
      scopes: [{ environment: 'dev' }],
      auth: { clientId: 'identity-1', clientSecret: 'client-secret-value' },
      refresh: { ttlMs: 100_000, refreshAt: 0.8, jitter: 0.1, retryBaseMs: 2_000, retryMaxMs: 60_000, ...refresh },
    },
    {},
  );

/** The parts of InfisicalSource the scheduler uses: a token clock, login notifications, renewal. */
class FakeSource {
  tokenRenewAt: number | undefined;
  private readonly listeners = new Set<() => void>();
  readonly renewToken = jest.fn(async () => {
    this.tokenRenewAt = Date.now() + 60_000;
  });

  onNewToken(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** A login anywhere (a refresh, a renewal): a new token, renewed at `renewAt`. */
  login(renewAt: number): void {
    this.tokenRenewAt = renewAt;
    for (const listener of this.listeners) listener();
  }
}

interface Setup {
  refresh?: InfisicalRefreshOptions;
  source?: SecretsSource;
  /** What each refresh does; the default applies nothing new. */
  outcome?: (state: RefreshState) => Promise<RefreshOutcome>;
  tokenRenewAt?: number;
}

function setup({ refresh, source = 'infisical', outcome = async () => ({ status: 'unchanged' }), tokenRenewAt }: Setup = {}) {
  const state = new RefreshState();
  const store = new SnapshotStore(new SecretsSnapshot({ A: 'a' }, source, new Date(), 1));
  const registry = new SchedulerRegistry();
  // Like the real coordinator: every outcome goes to the outcome listeners (the scheduler plans from it).
  const listeners = new Set<(result: RefreshOutcome) => void>();
  const coordinator = {
    refresh: jest.fn(async () => {
      const result = await outcome(state);
      for (const listener of listeners) listener(result);
      return result;
    }),
    onOutcome: (listener: (result: RefreshOutcome) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const fakeSource = new FakeSource();
  fakeSource.tokenRenewAt = tokenRenewAt;
  const scheduler = new RefreshScheduler(
    coordinator as unknown as RefreshCoordinator,
    fakeSource as unknown as InfisicalSource,
    state,
    store,
    registry,
    optionsWith(refresh),
    () => Date.now(),
    () => 0.5,
  );
  schedulers.push(scheduler);
  return { scheduler, state, registry, coordinator, source: fakeSource };
}

let schedulers: RefreshScheduler[] = [];
let quietLogs: Array<{ mockRestore(): void }> = [];

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
  // The scheduler logs timer and renewal failures through Nest's logger: keep them off the test output.
  quietLogs = [jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined), jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)];
});

afterEach(() => {
  for (const scheduler of schedulers) scheduler.onModuleDestroy();
  schedulers = [];
  jest.clearAllTimers();
  jest.useRealTimers();
  for (const spy of quietLogs) spy.mockRestore();
});

const failedWith = (retryAfterMs?: number) => async (state: RefreshState): Promise<RefreshOutcome> => {
  state.failed({ reason: 'HTTP 503 Service Unavailable', status: 503, retryAfterMs }, new Date());
  return { status: 'failed', reason: 'HTTP 503 Service Unavailable' };
};

/** Moves the clock to just before `ms` from now, checks no refresh ran, then to `ms`. */
async function expectRefreshAfter(h: ReturnType<typeof setup>, ms: number): Promise<void> {
  const before = h.coordinator.refresh.mock.calls.length;
  await jest.advanceTimersByTimeAsync(ms - 1);
  expect(h.coordinator.refresh).toHaveBeenCalledTimes(before);
  await jest.advanceTimersByTimeAsync(1);
  expect(h.coordinator.refresh).toHaveBeenCalledTimes(before + 1);
}

describe('RefreshScheduler: the refresh timer', () => {
  it('a refresh started by refresh() plans the next one from its outcome: a probe refusal retries on the backoff', async () => {
    const refusedByProbe = async (state: RefreshState): Promise<RefreshOutcome> => {
      state.refused('rotation probe P.check (A) failed: Error', new Date());
      return { status: 'refused', reason: 'rotation probe P.check (A) failed: Error', probe: 'P.check' };
    };
    const h = setup({ outcome: refusedByProbe });
    h.scheduler.onApplicationBootstrap();
    await h.coordinator.refresh(); // a manual refresh, not the timer's
    await expectRefreshAfter(h, 1_500); // retryDelay(1, 2000) with random 0.5, not 80 s
  });

  it('schedules the first refresh at ttl × refreshAt and reports when', async () => {
    const h = setup();
    h.scheduler.onApplicationBootstrap();
    expect(h.registry.doesExist('timeout', REFRESH_TIMER)).toBe(true);
    expect(h.state.nextRefreshAt?.getTime()).toBe(Date.now() + REGULAR_MS);
    await expectRefreshAfter(h, REGULAR_MS);
  });

  it('keeps refreshing on the regular schedule after applied, unchanged and refused outcomes', async () => {
    const outcomes: RefreshOutcome[] = [
      { status: 'applied', diff: { added: ['B'], changed: [], removed: [] } },
      { status: 'unchanged' },
      { status: 'refused', reason: 'the refresh would remove all 1 keys' },
    ];
    let index = 0;
    const h = setup({ outcome: async () => outcomes[index++] ?? { status: 'unchanged' } });
    h.scheduler.onApplicationBootstrap();
    await expectRefreshAfter(h, REGULAR_MS);
    await expectRefreshAfter(h, REGULAR_MS);
    await expectRefreshAfter(h, REGULAR_MS);
    await expectRefreshAfter(h, REGULAR_MS);
  });

  it('after a failed refresh backs off with the retry delay, growing with the failures in a row', async () => {
    const h = setup({ outcome: failedWith() });
    h.scheduler.onApplicationBootstrap();
    await expectRefreshAfter(h, REGULAR_MS);
    expect(h.state.nextRefreshAt?.getTime()).toBe(Date.now() + RETRY_1_MS);
    await expectRefreshAfter(h, RETRY_1_MS);
    await expectRefreshAfter(h, RETRY_2_MS);
  });

  it('waits what the server asked (retry-after) when that is longer than the backoff', async () => {
    const h = setup({ outcome: failedWith(30_000) });
    h.scheduler.onApplicationBootstrap();
    await expectRefreshAfter(h, REGULAR_MS);
    expect(h.state.nextRefreshAt?.getTime()).toBe(Date.now() + 30_000);
    await expectRefreshAfter(h, 30_000);
  });

  it('returns to the regular schedule once a refresh succeeds again', async () => {
    let fail = true;
    const h = setup({
      outcome: async (state) => {
        if (fail) return failedWith()(state);
        state.succeeded();
        return { status: 'unchanged' };
      },
    });
    h.scheduler.onApplicationBootstrap();
    await expectRefreshAfter(h, REGULAR_MS);
    fail = false;
    await expectRefreshAfter(h, RETRY_1_MS);
    await expectRefreshAfter(h, REGULAR_MS);
  });

  it('schedules the next refresh even when coordinator.refresh() rejects, and logs the timer failure', async () => {
    let calls = 0;
    const h = setup({
      outcome: async () => {
        calls += 1;
        if (calls === 1) throw new TypeError('unexpected');
        return { status: 'unchanged' };
      },
    });
    const errors = quietLogs[1] as unknown as jest.Mock;
    h.scheduler.onApplicationBootstrap();
    await expectRefreshAfter(h, REGULAR_MS);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('TypeError'));
    expect(h.registry.doesExist('timeout', REFRESH_TIMER)).toBe(true);
    // A rejection counts as a failure: the retry delay, not a full TTL.
    await expectRefreshAfter(h, RETRY_1_MS);
    await expectRefreshAfter(h, REGULAR_MS);
  });

  it('booted on a fallback, the first refresh comes at the retry delay', async () => {
    const h = setup({ source: 'file-cache' });
    h.scheduler.onApplicationBootstrap();
    expect(h.state.nextRefreshAt?.getTime()).toBe(Date.now() + RETRY_1_MS);
    await expectRefreshAfter(h, RETRY_1_MS);
  });

  it('refresh.enabled false: no timer at all, and no login listener', async () => {
    const h = setup({ refresh: { enabled: false }, tokenRenewAt: Date.now() + 1_000 });
    h.scheduler.onApplicationBootstrap();
    expect(h.registry.getTimeouts()).toEqual([]);
    expect(h.source.listenerCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * REGULAR_MS);
    expect(h.coordinator.refresh).not.toHaveBeenCalled();
    expect(h.source.renewToken).not.toHaveBeenCalled();
  });
});

describe('RefreshScheduler: the token renewal timer', () => {
  it('renews the token at its renewAt', async () => {
    const h = setup({ tokenRenewAt: Date.now() + 10_000 });
    h.scheduler.onApplicationBootstrap();
    expect(h.registry.doesExist('timeout', TOKEN_RENEWAL_TIMER)).toBe(true);
    await jest.advanceTimersByTimeAsync(9_999);
    expect(h.source.renewToken).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(h.source.renewToken).toHaveBeenCalledTimes(1);
    // Renewed: the next renewal is planned from the new token (renewAt + 60 s in the fake).
    expect(h.registry.doesExist('timeout', TOKEN_RENEWAL_TIMER)).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(h.source.renewToken).toHaveBeenCalledTimes(2);
  });

  it('has no renewal timer before any login; a login reported through onNewToken arms it', async () => {
    const h = setup();
    h.scheduler.onApplicationBootstrap();
    expect(h.registry.doesExist('timeout', TOKEN_RENEWAL_TIMER)).toBe(false);

    h.source.login(Date.now() + 5_000);
    expect(h.registry.doesExist('timeout', TOKEN_RENEWAL_TIMER)).toBe(true);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(h.source.renewToken).toHaveBeenCalledTimes(1);
  });

  it('a new login re-arms the renewal timer for the new token', async () => {
    const h = setup({ tokenRenewAt: Date.now() + 50_000 });
    h.scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(20_000);
    // A refresh logged in again: its token must be renewed at its own time, earlier here.
    h.source.login(Date.now() + 10_000);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(h.source.renewToken).toHaveBeenCalledTimes(1);
    // Only one renewal timer: nothing fires at the old token's time.
    await jest.advanceTimersByTimeAsync(20_000);
    expect(h.source.renewToken).toHaveBeenCalledTimes(1);
  });

  it('after a failed renewal retries on the backoff', async () => {
    const h = setup({ tokenRenewAt: Date.now() + 1_000 });
    h.source.renewToken.mockImplementation(async () => {
      throw new TypeError('fetch failed');
    });
    h.scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(h.source.renewToken).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(RETRY_1_MS - 1);
    expect(h.source.renewToken).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.source.renewToken).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(RETRY_2_MS);
    expect(h.source.renewToken).toHaveBeenCalledTimes(3);
  });
});

describe('RefreshScheduler.onModuleDestroy', () => {
  it('removes both timers and re-arms nothing afterwards, even on a later login', async () => {
    const h = setup({ tokenRenewAt: Date.now() + 10_000 });
    h.scheduler.onApplicationBootstrap();
    expect(h.registry.getTimeouts().sort()).toEqual([REFRESH_TIMER, TOKEN_RENEWAL_TIMER].sort());

    h.scheduler.onModuleDestroy();
    expect(h.registry.getTimeouts()).toEqual([]);
    expect(h.state.nextRefreshAt).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
    expect(h.source.listenerCount).toBe(0);

    h.source.login(Date.now() + 1_000);
    await jest.advanceTimersByTimeAsync(10 * REGULAR_MS);
    expect(h.registry.getTimeouts()).toEqual([]);
    expect(h.coordinator.refresh).not.toHaveBeenCalled();
    expect(h.source.renewToken).not.toHaveBeenCalled();
  });

  it('a refresh still in flight at shutdown schedules nothing when it ends', async () => {
    let finish!: (outcome: RefreshOutcome) => void;
    const h = setup({ outcome: () => new Promise<RefreshOutcome>((resolve) => (finish = resolve)) });
    h.scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(REGULAR_MS);
    expect(h.coordinator.refresh).toHaveBeenCalledTimes(1);

    h.scheduler.onModuleDestroy();
    finish({ status: 'failed', reason: 'the app is shutting down' });
    await jest.advanceTimersByTimeAsync(0);
    expect(h.registry.getTimeouts()).toEqual([]);
    expect(h.state.nextRefreshAt).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a renewal still in flight at shutdown re-arms nothing, whether it succeeds or fails', async () => {
    for (const fails of [false, true]) {
      let settle!: () => void;
      const h = setup({ tokenRenewAt: Date.now() + 1_000 });
      h.source.renewToken.mockImplementation(
        () =>
          new Promise<void>((resolve, reject) => {
            settle = () => (fails ? reject(new TypeError('fetch failed')) : (h.source.tokenRenewAt = Date.now() + 60_000, resolve()));
          }),
      );
      h.scheduler.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(h.source.renewToken).toHaveBeenCalledTimes(1);

      h.scheduler.onModuleDestroy();
      settle();
      await jest.advanceTimersByTimeAsync(0);
      expect(h.registry.getTimeouts()).toEqual([]);
      expect(jest.getTimerCount()).toBe(0);
    }
  });
});
