import 'reflect-metadata';
import { jest } from '@jest/globals';
import { IsInt, IsString } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotFileCache } from '../cache/snapshot-file.cache.js';
import { InfisicalConfigValidationError } from '../errors/infisical-config-validation.error.js';
import { InfisicalAuthError } from '../errors/infisical-auth.error.js';
import { InfisicalConnectionError } from '../errors/infisical-connection.error.js';
import type { InfisicalLoadError } from '../errors/infisical-load.error.js';
import type { InfisicalConfigModuleOptions } from '../infisical-config.options.js';
import type { LoadEventsLogger } from '../logging/load-events.logger.js';
import { NO_METRICS, type InfisicalMetrics } from '../metrics/infisical-metrics.js';
import { resolveInfisicalOptions } from '../options/resolve-options.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { RefreshState } from '../refresh/refresh-state.js';
import { SecretsSnapshot, type SecretsSource } from '../snapshot/secrets-snapshot.js';
import { InfisicalHttpError } from '../source/infisical-http.error.js';
import { toLoadError } from '../source/infisical-failure.util.js';
import { SchemaGate } from '../validation/schema.gate.js';
import { BootLoader } from './boot.loader.js';
import type { SecretsLoader } from './secrets.loader.js';

class AppConfig {
  @IsString() DB_HOST!: string;
  @IsInt() PORT!: number;
}

const GOOD = { DB_HOST: 'live-db', PORT: '5432' };
const CACHED = { DB_HOST: 'cached-db', PORT: '6543' };
const snapshot = (values: Record<string, string>, source: SecretsSource = 'infisical') => new SecretsSnapshot(values, source, new Date(), 4);

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'boot-loader-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Setup {
  /** What Infisical answers: a snapshot, or the error the load rejects with. */
  infisical: SecretsSnapshot | ((options: ResolvedInfisicalOptions) => InfisicalLoadError);
  /** Values already in the file cache (written by an earlier good boot); undefined: no cache file. */
  cached?: Record<string, string>;
  /** No file cache at all (no key). */
  noCache?: boolean;
  /** `.env` file content; undefined: no file. */
  dotenv?: string;
}

async function setup({ infisical, cached, noCache = false, dotenv }: Setup) {
  const dotenvPath = join(dir, '.env');
  if (dotenv !== undefined) await writeFile(dotenvPath, dotenv);
  const input: InfisicalConfigModuleOptions = {
    siteUrl: 'https://infisical.example.com',
    projectId: 'proj-1',
    scopes: [{ environment: 'dev' }],
    auth: { clientId: 'identity-1', clientSecret: 'client-secret-value' },
    schema: AppConfig,
    dotenvFallback: { enabled: true, paths: [dotenvPath] },
    fileCache: noCache ? undefined : { key: randomBytes(32).toString('base64'), path: join(dir, 'cache', 'secrets.enc') },
  };
  const options = resolveInfisicalOptions(input, {});
  const fileCache = new SnapshotFileCache(options);
  if (cached) await fileCache.save(snapshot(cached));
  const save = jest.spyOn(fileCache, 'save');

  const load = jest.fn(async (_requireSecrets?: boolean, _signal?: AbortSignal) => {
    if (infisical instanceof SecretsSnapshot) return infisical;
    throw infisical(options);
  });
  const state = new RefreshState();
  const log = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), refreshed: jest.fn(), loaded: jest.fn() };
  const metrics = { ...NO_METRICS, countFailure: jest.fn(), countFallback: jest.fn() };
  const bootLoader = new BootLoader(
    { load } as unknown as SecretsLoader,
    fileCache,
    new SchemaGate(AppConfig),
    state,
    log as unknown as LoadEventsLogger,
    metrics as InfisicalMetrics,
    options,
    undefined,
    false,
  );
  return { bootLoader, fileCache, save, load, state, log, metrics, options, dotenvPath };
}

/** A 503 from Infisical, as the source reports it. */
const unavailable = (options: ResolvedInfisicalOptions) =>
  toLoadError('list secrets', new InfisicalHttpError(503, 'Service Unavailable', { errorName: 'Service Unavailable' }), options);
/** A refused login, as the source reports it. */
const refusedLogin = (options: ResolvedInfisicalOptions) =>
  toLoadError('login', new InfisicalHttpError(401, 'Invalid credentials', { errorName: 'UnauthorizedError' }), options);

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const valuesIn = async (fileCache: SnapshotFileCache) => {
  const read = await fileCache.load();
  return 'snapshot' in read ? read.snapshot.toRecord() : read.reason;
};

describe('BootLoader: Infisical healthy', () => {
  it('serves Infisical\'s snapshot, typed by the schema, and saves it to the file cache once', async () => {
    const live = snapshot(GOOD);
    const h = await setup({ infisical: live, cached: CACHED });

    const first = await h.bootLoader.load();

    expect(first.snapshot).toBe(live);
    expect(first.config).toBeInstanceOf(AppConfig);
    expect(first.config).toEqual({ DB_HOST: 'live-db', PORT: 5432 });
    expect(h.load).toHaveBeenCalledWith(true, expect.any(AbortSignal)); // empty scopes fail at boot
    expect(h.save).toHaveBeenCalledTimes(1);
    expect(h.save).toHaveBeenCalledWith(live);
    expect(await valuesIn(h.fileCache)).toEqual(GOOD);
    expect(h.state.consecutiveFailures).toBe(0);
    expect(h.state.lastError).toBeUndefined();
    expect(h.log.warn).not.toHaveBeenCalled();
    expect(h.metrics.countFallback).not.toHaveBeenCalled();
  });
});

describe('BootLoader: Infisical failing', () => {
  it('serves the file cache, keeps the failure visible in the state and warns with its remedy', async () => {
    const h = await setup({ infisical: unavailable, cached: CACHED });
    const failure = unavailable(h.options);
    expect(failure).toBeInstanceOf(InfisicalConnectionError);
    expect(failure.remedy).toBeTruthy();

    const first = await h.bootLoader.load();

    expect(first.snapshot.source).toBe('file-cache');
    expect(first.snapshot.toRecord()).toEqual(CACHED);
    expect(first.config).toEqual({ DB_HOST: 'cached-db', PORT: 6543 });
    expect(h.state.consecutiveFailures).toBe(1);
    expect(h.state.lastError).toEqual(expect.objectContaining({ reason: 'HTTP 503 Service Unavailable', status: 503 }));
    expect(h.log.warn).toHaveBeenCalledTimes(1);
    const warning = h.log.warn.mock.calls[0]?.[0] as string;
    expect(warning).toContain('HTTP 503 Service Unavailable');
    expect(warning).toContain('from the file cache');
    expect(warning).toContain(failure.remedy as string);
    expect(h.metrics.countFallback).toHaveBeenCalledWith('file-cache');
    expect(h.metrics.countFailure).toHaveBeenCalledTimes(1);
    expect(h.save).not.toHaveBeenCalled();
  });

  it('with nothing to fall back to, fails with the Infisical error, its message listing every attempt', async () => {
    const h = await setup({ infisical: refusedLogin });

    const error = await rejectionOf(h.bootLoader.load());

    expect(error).toBeInstanceOf(InfisicalAuthError);
    expect(error.message).toContain('Infisical: could not load secrets from https://infisical.example.com');
    expect(error.message).toContain('file cache: ');
    expect(error.message).toContain(`.env files: none of ${h.dotenvPath} exists`);
  });

  it('does not use .env files that hold only the module\'s own INFISICAL_* variables', async () => {
    const h = await setup({
      infisical: refusedLogin,
      noCache: true,
      dotenv: 'INFISICAL_SITE_URL=https://infisical.example.com\nINFISICAL_PROJECT_ID=proj-1\nINFISICAL_CLIENT_ID=identity-1\nINFISICAL_CACHE_KEY=not-a-real-key\n',
    });

    const error = await rejectionOf(h.bootLoader.load());

    expect(error).toBeInstanceOf(InfisicalAuthError);
    expect((error as InfisicalAuthError).problem).toBe('invalid-client-secret');
    expect(error.message).toContain(`.env files: ${h.dotenvPath} hold only the module's own INFISICAL_* variables`);
    expect(h.metrics.countFallback).not.toHaveBeenCalled();
  });

  it('does not use .env files whose values fail the schema', async () => {
    const h = await setup({ infisical: unavailable, noCache: true, dotenv: 'DB_HOST=env-db\nPORT=not-a-number\n' });

    const error = await rejectionOf(h.bootLoader.load());

    expect(error).toBeInstanceOf(InfisicalConnectionError);
    expect(error.message).toContain('.env files: does not pass the schema (PORT)');
    expect(h.metrics.countFallback).not.toHaveBeenCalled();
  });

  it('uses .env files whose values pass the schema, without the module\'s own variables', async () => {
    const h = await setup({ infisical: unavailable, noCache: true, dotenv: 'DB_HOST=env-db\nPORT=7000\nINFISICAL_CLIENT_ID=identity-1\n' });

    const first = await h.bootLoader.load();

    expect(first.snapshot.source).toBe('dotenv');
    expect(first.snapshot.keys).toEqual(['DB_HOST', 'PORT']);
    expect(first.config).toEqual({ DB_HOST: 'env-db', PORT: 7000 });
    expect(h.metrics.countFallback).toHaveBeenCalledWith('dotenv');
    expect(h.state.consecutiveFailures).toBe(1);
  });

  it('skips a file cache whose values fail the schema and moves on to the .env files', async () => {
    const h = await setup({ infisical: unavailable, cached: { DB_HOST: 'cached-db', PORT: 'oops' }, dotenv: 'DB_HOST=env-db\nPORT=7000\n' });

    const first = await h.bootLoader.load();

    expect(first.snapshot.source).toBe('dotenv');
    expect(h.log.warn).toHaveBeenCalledWith(expect.stringContaining('Fallback file cache not usable: does not pass the schema (PORT)'));
  });
});

describe('BootLoader: Infisical answering values that fail the schema', () => {
  it('serves the last good file cache, records the refusal and does not save the failing values', async () => {
    const h = await setup({ infisical: snapshot({ DB_HOST: 'live-db', PORT: 'not-a-number' }), cached: CACHED });

    const first = await h.bootLoader.load();

    expect(first.snapshot.source).toBe('file-cache');
    expect(first.snapshot.toRecord()).toEqual(CACHED);
    expect(h.state.lastRefusal?.reason).toBe('the values do not pass the schema: PORT');
    expect(h.state.lastError).toBeUndefined();
    expect(h.state.consecutiveFailures).toBe(0);
    expect(h.save).not.toHaveBeenCalled();
    expect(await valuesIn(h.fileCache)).toEqual(CACHED);
  });

  it('never lets .env files stand in for them: without a cache, boot fails with the validation error', async () => {
    const h = await setup({ infisical: snapshot({ DB_HOST: 'live-db', PORT: 'not-a-number' }), noCache: true, dotenv: 'DB_HOST=env-db\nPORT=7000\n' });

    const error = await rejectionOf(h.bootLoader.load());

    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect((error as InfisicalConfigValidationError).problems.map((problem) => problem.key)).toEqual(['PORT']);
    expect(error.message).toContain('.env files: not used when Infisical answered');
    expect(h.metrics.countFallback).not.toHaveBeenCalled();
  });
});
