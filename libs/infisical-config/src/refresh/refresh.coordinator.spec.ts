import 'reflect-metadata';
import { jest } from '@jest/globals';
import { IsInt, IsString } from 'class-validator';
import type { SnapshotFileCache } from '../cache/snapshot-file.cache.js';
import { InfisicalConnectionError } from '../errors/infisical-connection.error.js';
import { SHUTTING_DOWN } from '../infisical-config.messages.js';
import type { LoadEventsLogger } from '../logging/load-events.logger.js';
import type { SecretsLoader } from '../loader/secrets.loader.js';
import { NO_METRICS } from '../metrics/infisical-metrics.js';
import { resolveInfisicalOptions } from '../options/resolve-options.js';
import type { InfisicalRefreshOptions } from '../infisical-config.options.js';
import type { ConfigServiceWriter } from '../snapshot/config-service.writer.js';
import { ProcessEnvWriter } from '../snapshot/process-env.writer.js';
import { SecretsSnapshot, type SecretsSource } from '../snapshot/secrets-snapshot.js';
import { SnapshotStore, type SecretsChange } from '../snapshot/snapshot.store.js';
import type { ConfigSchema } from '../validation/config-schema.validator.js';
import { SchemaGate } from '../validation/schema.gate.js';
import { TypedInfisicalConfig } from '../validation/typed-config.js';
import { RefreshCoordinator, type RefreshOutcome } from './refresh.coordinator.js';
import { RefreshState } from './refresh-state.js';
import { PreviousValues } from '../rotation/previous-values.js';
import type { ProbeRefusal, RotationProbes } from '../rotation/rotation-probes.js';
import type { SecretsDiff } from '../snapshot/snapshot-diff.js';

const snapshot = (values: Record<string, string>, source: SecretsSource = 'infisical') => new SecretsSnapshot(values, source, new Date(), 3);

const optionsWith = (refresh: InfisicalRefreshOptions = {}) =>
  resolveInfisicalOptions(
    {
      siteUrl: 'http://127.0.0.1:9',
      projectId: 'proj-1',
      scopes: [{ environment: 'dev' }],
      auth: { clientId: 'identity-1', clientSecret: 'client-secret-value' },
      processEnv: 'skip',
      refresh,
    },
    {},
  );

/** A load the test settles by hand; `signal` is what the coordinator passed. */
function deferredLoad() {
  let resolve!: (next: SecretsSnapshot) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<SecretsSnapshot>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type LoadFn = (requireSecrets?: boolean, signal?: AbortSignal) => Promise<SecretsSnapshot>;

interface Setup {
  initial?: SecretsSnapshot;
  load: LoadFn;
  refresh?: InfisicalRefreshOptions;
  schema?: ConfigSchema;
  log?: Partial<Record<'warn' | 'info' | 'error' | 'refreshed' | 'loaded', (...args: never[]) => void>>;
  /** What the rotation probes answer for every refresh (undefined: they accept). */
  probeRefusal?: ProbeRefusal;
  keepPrevious?: string[];
}

function setup({ initial = snapshot({ A: 'a1', B: 'b1', C: 'c1', D: 'd1' }), load, refresh, schema, log = {}, probeRefusal, keepPrevious = [] }: Setup) {
  const probes = { check: jest.fn(async (_next: SecretsSnapshot, _diff: SecretsDiff) => probeRefusal) };
  const previous = new PreviousValues(new Set(keepPrevious), 60_000);
  const loadMock = jest.fn(load);
  const loader = { load: loadMock } as unknown as SecretsLoader;
  const store = new SnapshotStore(initial);
  const state = new RefreshState();
  const config = { apply: jest.fn() };
  const env = new ProcessEnvWriter('skip');
  const envApply = jest.spyOn(env, 'apply');
  const fileCache = { save: jest.fn(async (_snapshot: SecretsSnapshot, _changed?: boolean) => undefined) };
  const typed = new TypedInfisicalConfig<object>(initial.values);
  const logger = {
    warn: jest.fn(log.warn ?? (() => undefined)),
    info: jest.fn(log.info ?? (() => undefined)),
    error: jest.fn(log.error ?? (() => undefined)),
    refreshed: jest.fn(log.refreshed ?? (() => undefined)),
    loaded: jest.fn(log.loaded ?? (() => undefined)),
  };
  const coordinator = new RefreshCoordinator(
    loader,
    store,
    state,
    { typed, config: config as unknown as ConfigServiceWriter, env, previous },
    fileCache as unknown as SnapshotFileCache,
    { gate: new SchemaGate(schema), probes: probes as unknown as RotationProbes },
    logger as unknown as LoadEventsLogger,
    NO_METRICS,
    optionsWith(refresh),
  );
  const changes: SecretsChange[] = [];
  store.changes$.subscribe((change) => changes.push(change));
  return { coordinator, loadMock, store, state, config, envApply, fileCache, typed, logger, changes, initial, probes, previous };
}

let closeAfter: RefreshCoordinator[] = [];
let previousAfter: PreviousValues[] = [];
const track = <T extends { coordinator: RefreshCoordinator; previous: PreviousValues }>(harness: T) => {
  closeAfter.push(harness.coordinator);
  previousAfter.push(harness.previous);
  return harness;
};

afterEach(() => {
  for (const coordinator of closeAfter) coordinator.close();
  for (const previous of previousAfter) previous.close();
  previousAfter = [];
  closeAfter = [];
  jest.useRealTimers();
});

describe('RefreshCoordinator outcomes', () => {
  it('applied: swaps the snapshot and typed config, writes ConfigService, announces the keys and saves the cache', async () => {
    const next = snapshot({ A: 'a1', B: 'b2', C: 'c1', D: 'd1', E: 'e1' });
    const h = track(setup({ load: async () => next }));

    const outcome = await h.coordinator.refresh();

    const diff = { added: ['E'], changed: ['B'], removed: [] };
    expect(outcome).toEqual({ status: 'applied', diff });
    expect(h.store.snapshot).toBe(next);
    expect(h.typed.value).toEqual(next.values);
    expect(h.config.apply).toHaveBeenCalledTimes(1);
    expect(h.config.apply).toHaveBeenCalledWith(next, diff);
    expect(h.envApply).toHaveBeenCalledWith(next, diff);
    expect(h.changes).toEqual([{ ...diff, source: 'infisical', at: next.fetchedAt }]);
    expect(h.fileCache.save).toHaveBeenCalledWith(next, true);
    expect(h.logger.refreshed).toHaveBeenCalledWith(next, diff);
    expect(h.state.consecutiveFailures).toBe(0);
    expect(h.loadMock).toHaveBeenCalledWith(false, expect.any(AbortSignal));
  });

  it('unchanged: keeps the fresh snapshot, writes and announces nothing, saves the cache with changed=false', async () => {
    const h = track(setup({ load: async () => snapshot({ A: 'a1', B: 'b1', C: 'c1', D: 'd1' }) }));

    const outcome = await h.coordinator.refresh();

    expect(outcome).toEqual({ status: 'unchanged' });
    expect(h.store.snapshot).not.toBe(h.initial); // the values are fresh, even though equal
    expect(h.store.snapshot.values).toEqual(h.initial.values);
    expect(h.config.apply).not.toHaveBeenCalled();
    expect(h.envApply).not.toHaveBeenCalled();
    expect(h.changes).toEqual([]);
    expect(h.fileCache.save).toHaveBeenCalledTimes(1);
    expect(h.fileCache.save).toHaveBeenCalledWith(h.store.snapshot, false);
    expect(h.logger.refreshed).toHaveBeenCalledWith(h.store.snapshot, undefined);
  });

  it('refused (mass deletion): keeps the last good values and records the refusal', async () => {
    const h = track(setup({ load: async () => snapshot({ A: 'a1' }) }));

    const outcome = await h.coordinator.refresh();

    expect(outcome).toEqual({ status: 'refused', reason: 'the refresh would remove 3 of 4 keys (75%, limit 50%)' });
    expect(h.store.snapshot).toBe(h.initial);
    expect(h.typed.value).toBe(h.initial.values);
    expect(h.config.apply).not.toHaveBeenCalled();
    expect(h.envApply).not.toHaveBeenCalled();
    expect(h.fileCache.save).not.toHaveBeenCalled();
    expect(h.changes).toEqual([]);
    expect(h.state.lastRefusal?.reason).toBe('the refresh would remove 3 of 4 keys (75%, limit 50%)');
    expect(h.state.lastError).toBeUndefined();
    expect(h.logger.warn).toHaveBeenCalledWith(expect.stringContaining('refresh.acceptMassDeletion'));
  });

  it('applies a mass deletion when recovering from a fallback: the fallback\'s extra keys are expected to go', async () => {
    const initial = snapshot({ A: 'a1', B: 'b1', C: 'c1', D: 'd1' }, 'file-cache');
    const next = snapshot({ A: 'a1' });
    const h = track(setup({ initial, load: async () => next }));

    const outcome = await h.coordinator.refresh();

    expect(outcome).toEqual({ status: 'applied', diff: { added: [], changed: [], removed: ['B', 'C', 'D'] } });
    expect(h.store.snapshot).toBe(next);
    expect(h.logger.info).toHaveBeenCalledWith(expect.stringContaining('switched from the file cache to live values'));
  });

  it('refused (schema): keeps the last good values and typed config, names the failing key', async () => {
    class AppConfig {
      @IsString() A!: string;
      @IsInt() PORT!: number;
    }
    const initial = snapshot({ A: 'a1', PORT: '8080' });
    const h = track(setup({ initial, schema: AppConfig, load: async () => snapshot({ A: 'a2', PORT: 'not-a-number' }) }));
    const typedBefore = h.typed.value;

    const outcome = await h.coordinator.refresh();

    expect(outcome).toEqual({ status: 'refused', reason: 'the values do not pass the schema: PORT' });
    expect(h.store.snapshot).toBe(initial);
    expect(h.typed.value).toBe(typedBefore);
    expect(h.config.apply).not.toHaveBeenCalled();
    expect(h.fileCache.save).not.toHaveBeenCalled();
    expect(h.state.lastRefusal?.reason).toBe('the values do not pass the schema: PORT');
    expect(h.logger.warn).toHaveBeenCalledTimes(1);
  });

  it('failed (load error): keeps the last good values, counts the failure, warns with the reason', async () => {
    const error = new InfisicalConnectionError('list secrets failed', 'list secrets', 503, 'HTTP 503 Service Unavailable', 'server-error', { remedy: 'check the server' });
    const h = track(setup({ load: async () => Promise.reject(error) }));

    const outcome = await h.coordinator.refresh();

    expect(outcome).toEqual({ status: 'failed', reason: 'HTTP 503 Service Unavailable' });
    expect(h.store.snapshot).toBe(h.initial);
    expect(h.config.apply).not.toHaveBeenCalled();
    expect(h.fileCache.save).not.toHaveBeenCalled();
    expect(h.state.consecutiveFailures).toBe(1);
    expect(h.state.lastError).toEqual(expect.objectContaining({ reason: 'HTTP 503 Service Unavailable', status: 503 }));
    expect(h.logger.warn).toHaveBeenCalledWith(expect.stringContaining('HTTP 503 Service Unavailable'));

    await h.coordinator.refresh();
    expect(h.state.consecutiveFailures).toBe(2);
  });

  it('a success after failures resets the count of failures in a row', async () => {
    let fail = true;
    const next = snapshot({ A: 'a1', B: 'b1', C: 'c1', D: 'd2' });
    const h = track(setup({ load: async () => (fail ? Promise.reject(new Error('no route')) : next) }));
    await h.coordinator.refresh();
    expect(h.state.consecutiveFailures).toBe(1);
    fail = false;
    expect((await h.coordinator.refresh()).status).toBe('applied');
    expect(h.state.consecutiveFailures).toBe(0);
  });

  it('a loader that throws a plain Error gives a failed outcome, never a rejection', async () => {
    const h = track(
      setup({
        load: () => {
          throw new Error('boom');
        },
      }),
    );
    await expect(h.coordinator.refresh()).resolves.toEqual({ status: 'failed', reason: 'boom' });
    expect(h.store.snapshot).toBe(h.initial);
    expect(h.state.consecutiveFailures).toBe(1);
  });

  it('a loader whose promise rejects with a plain Error gives a failed outcome with a value-free reason', async () => {
    const h = track(setup({ load: async () => Promise.reject(new Error('boom')) }));
    const outcome = await h.coordinator.refresh();
    expect(outcome).toEqual({ status: 'failed', reason: 'boom' });
    expect(h.state.lastError?.reason).toBe('boom');
  });
});

describe('RefreshCoordinator single flight', () => {
  it('two concurrent refresh() calls share one load and one outcome', async () => {
    const pending = deferredLoad();
    const h = track(setup({ load: () => pending.promise }));

    const first = h.coordinator.refresh();
    const second = h.coordinator.refresh();
    expect(h.coordinator.refreshing).toBe(true);
    expect(h.loadMock).toHaveBeenCalledTimes(1);

    pending.resolve(snapshot({ A: 'a2', B: 'b1', C: 'c1', D: 'd1' }));
    const [one, two] = await Promise.all([first, second]);
    expect(one).toEqual({ status: 'applied', diff: { added: [], changed: ['A'], removed: [] } });
    expect(two).toBe(one);
    expect(h.config.apply).toHaveBeenCalledTimes(1);
    expect(h.coordinator.refreshing).toBe(false);

    // Once settled, the next call loads again.
    h.loadMock.mockImplementation(async () => snapshot({ A: 'a2', B: 'b1', C: 'c1', D: 'd1' }));
    await expect(h.coordinator.refresh()).resolves.toEqual({ status: 'unchanged' });
    expect(h.loadMock).toHaveBeenCalledTimes(2);
  });
});

describe('RefreshCoordinator whatever throws', () => {
  it('a changes$ subscriber that throws does not change the outcome', async () => {
    const next = snapshot({ A: 'a2', B: 'b1', C: 'c1', D: 'd1' });
    const h = track(setup({ load: async () => next }));
    const thrower = jest.fn(() => {
      throw new TypeError('subscriber bug');
    });
    const subscription = h.store.changes$.subscribe(thrower);
    // The store reports the subscriber's error class through Nest's logger: keep the test output quiet.
    const { Logger } = await import('@nestjs/common');
    const quiet = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const outcome = await h.coordinator.refresh();
      expect(thrower).toHaveBeenCalledTimes(1);
      expect(outcome).toEqual({ status: 'applied', diff: { added: [], changed: ['A'], removed: [] } });
      expect(h.store.snapshot).toBe(next);
      expect(h.fileCache.save).toHaveBeenCalledWith(next, true); // the later stages still ran
      expect(h.state.consecutiveFailures).toBe(0);
    } finally {
      quiet.mockRestore();
      subscription.unsubscribe();
    }
  });

  it('a logger whose warn and error throw: a failed load still ends as an outcome', async () => {
    const broken = () => {
      throw new Error('logger down');
    };
    const h = track(setup({ load: async () => Promise.reject(new Error('no route')), log: { warn: broken, error: broken, info: broken, refreshed: broken } }));
    const outcome = await h.coordinator.refresh();
    expect(outcome).toEqual({ status: 'failed', reason: expect.any(String) });
    expect(h.store.snapshot).toBe(h.initial);
    expect(h.logger.warn).toHaveBeenCalled();
  });

  // Bug: the failure is recorded once by load() and again by unexpected(), and its real reason is replaced.
  it('a logger whose warn throws: the failed load is counted once and keeps its own reason', async () => {
    const broken = () => {
      throw new Error('logger down');
    };
    const error = new InfisicalConnectionError('list secrets failed', 'list secrets', 503, 'HTTP 503 Service Unavailable', 'server-error');
    const h = track(setup({ load: async () => Promise.reject(error), log: { warn: broken, error: broken } }));
    await h.coordinator.refresh();
    expect(h.state.consecutiveFailures).toBe(1);
    expect(h.state.lastError?.reason).toBe('HTTP 503 Service Unavailable');
  });

  it('a logger whose log lines throw: a refresh that changed values still ends as an outcome', async () => {
    const broken = () => {
      throw new Error('logger down');
    };
    const next = snapshot({ A: 'a2', B: 'b1', C: 'c1', D: 'd1' });
    const h = track(setup({ load: async () => next, log: { warn: broken, error: broken, info: broken, refreshed: broken } }));
    const outcome = await h.coordinator.refresh();
    // Documented: a throwing logger is "unexpected", reported as failed with the stage, never a rejection.
    expect(outcome).toEqual({ status: 'failed', reason: 'unexpected Error in log' });
    expect(h.logger.refreshed).toHaveBeenCalledTimes(1);
    // The values were swapped before the log line, in one step with ConfigService.
    expect(h.store.snapshot).toBe(next);
    expect(h.config.apply).toHaveBeenCalledTimes(1);
  });
});

describe('RefreshCoordinator close()', () => {
  it('an in-flight refresh applies and writes nothing after close(), and resolves failed', async () => {
    const pending = deferredLoad();
    let signal: AbortSignal | undefined;
    const h = setup({
      load: (_require, passed) => {
        signal = passed;
        return pending.promise;
      },
    });

    const inFlight = h.coordinator.refresh();
    expect(signal?.aborted).toBe(false);
    h.coordinator.close();
    expect(signal?.aborted).toBe(true); // shutdown aborts the requests themselves

    // The loader ignores the abort and answers with new values anyway.
    pending.resolve(snapshot({ A: 'a2', B: 'b2', C: 'c2', D: 'd2', E: 'e' }));
    await expect(inFlight).resolves.toEqual({ status: 'failed', reason: SHUTTING_DOWN });

    expect(h.store.snapshot).toBe(h.initial);
    expect(h.typed.value).toBe(h.initial.values);
    expect(h.config.apply).not.toHaveBeenCalled();
    expect(h.envApply).not.toHaveBeenCalled();
    expect(h.fileCache.save).not.toHaveBeenCalled();
    expect(h.changes).toEqual([]);
    expect(h.state.consecutiveFailures).toBe(0); // shutting down is not an Infisical failure
  });

  it('an in-flight refresh whose load fails because of close() is not counted as a failure', async () => {
    const h = setup({
      load: (_require, signal) =>
        new Promise<SecretsSnapshot>((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    });
    const inFlight = h.coordinator.refresh();
    h.coordinator.close();
    await expect(inFlight).resolves.toEqual({ status: 'failed', reason: SHUTTING_DOWN });
    expect(h.state.consecutiveFailures).toBe(0);
    expect(h.state.lastError).toBeUndefined();
    expect(h.logger.warn).not.toHaveBeenCalled();
  });

  it('refresh() after close() resolves failed without loading', async () => {
    const h = setup({ load: async () => snapshot({ A: 'x' }) });
    h.coordinator.onModuleDestroy();
    await expect(h.coordinator.refresh()).resolves.toEqual({ status: 'failed', reason: SHUTTING_DOWN });
    expect(h.loadMock).not.toHaveBeenCalled();
    expect(h.store.snapshot).toBe(h.initial);
  });
});

describe('RefreshCoordinator load deadline', () => {
  it('refresh.timeoutMs aborts the signal passed to loader.load and ends the refresh as failed', async () => {
    jest.useFakeTimers();
    let signal: AbortSignal | undefined;
    const h = track(
      setup({
        refresh: { timeoutMs: 1_000 },
        load: (_require, passed) => {
          signal = passed;
          // A server that never answers: settles only when the signal aborts, a few ticks later, as fetch does.
          return new Promise<SecretsSnapshot>((_, reject) =>
            passed?.addEventListener('abort', () => void Promise.resolve().then(() => reject(new DOMException('aborted', 'AbortError')))),
          );
        },
      }),
    );
    let settled: RefreshOutcome | undefined;
    const outcome = h.coordinator.refresh().then((result) => (settled = result));

    await jest.advanceTimersByTimeAsync(999);
    expect(signal?.aborted).toBe(false);
    expect(settled).toBeUndefined();

    await jest.advanceTimersByTimeAsync(1);
    await outcome;
    expect(signal?.aborted).toBe(true);
    expect(settled).toEqual({ status: 'failed', reason: 'no answer within 1000 ms (refresh.timeoutMs)' });
    expect(h.state.consecutiveFailures).toBe(1);
    expect(h.store.snapshot).toBe(h.initial);
  });
});

describe('RefreshCoordinator rotation probes and previous values', () => {
  it('a probe refusal refuses the whole refresh before the swap: every key keeps its last good value', async () => {
    const next = snapshot({ A: 'a2', B: 'b2', C: 'c1', D: 'd1' });
    const refusal = { probe: 'DatabaseProbe.canConnect', reason: 'rotation probe DatabaseProbe.canConnect (A) failed: Error' };
    const h = track(setup({ load: async () => next, probeRefusal: refusal }));

    const outcome = await h.coordinator.refresh();

    expect(outcome).toEqual({ status: 'refused', reason: refusal.reason, probe: refusal.probe });
    expect(h.probes.check).toHaveBeenCalledWith(next, { added: [], changed: ['A', 'B'], removed: [] });
    expect(h.store.snapshot).toBe(h.initial);
    expect(h.config.apply).not.toHaveBeenCalled();
    expect(h.envApply).not.toHaveBeenCalled();
    expect(h.changes).toEqual([]);
    expect(h.state.lastRefusal?.reason).toBe(refusal.reason);
    expect(h.state.consecutiveRefusals).toBe(1);
  });

  it('keeps the replaced value of a named key, and only of named keys', async () => {
    const h = track(setup({ load: async () => snapshot({ A: 'a2', B: 'b2', C: 'c1', D: 'd1' }), keepPrevious: ['A'] }));
    await h.coordinator.refresh();
    expect(h.previous.get('A')).toBe('a1');
    expect(h.previous.get('B')).toBeUndefined();
    h.previous.close();
    expect(h.previous.get('A')).toBeUndefined(); // dropped on shutdown
  });
});
