import { Controller, Get, Inject, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import {
  InfisicalConfigModule,
  InfisicalConfigService,
  InfisicalHealthIndicator,
  type InfisicalConfigModuleOptions,
  type InfisicalHealthRules,
} from 'nestjs-infisical-config';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { AppModule } from '../apps/server/src/app.module.js';
import { ShutdownState } from '../apps/server/src/health/shutdown.state.js';
import { E2eHarness } from './support/boot.js';
import { addCanary, findCanaries, scanForLeaks } from './support/leak-scanner.js';
import { CANARY, PROJECT_ID } from './support/seed.js';
import { eventually, sleep } from './support/eventually.js';

const STARTUP_TIMEOUT_MS = 500;
/** Key names of the e2e seed's dev scope (with its import): no metrics page may name one. */
const SECRET_KEYS = ['API_KEY', 'DB_HOST', 'DB_PASSWORD', 'DB_URL', 'LOG_LEVEL', 'SHARED_FLAG'];
const ISO_TIME = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const DURATION = expect.any(Number);

/** The indicator's details for a healthy app live on Infisical; each scenario spells out how it differs. */
const LIVE_DETAILS = {
  source: 'infisical',
  fallback: false,
  latencyMs: DURATION,
  lastSuccessAt: ISO_TIME,
  ageMs: DURATION,
  consecutiveFailures: 0,
  secretCount: 6,
  tokenExpiresInMs: DURATION,
  lastError: null,
  lastRefusal: null,
  warnings: [],
};

/** The boot's Infisical failure stays visible while a fallback serves. */
const bootFailure = (reason: string, status?: number) => ({ consecutiveFailures: 1, lastError: { reason, ...(status ? { status } : {}), at: ISO_TIME } });

/** On the `.env` fallback (two keys in the file, logins answered 503): never fetched from Infisical, never logged in. */
const DOTENV_DETAILS = {
  ...LIVE_DETAILS,
  ...bootFailure('HTTP 503 Service Unavailable', 503),
  source: 'dotenv',
  fallback: true,
  lastSuccessAt: null,
  secretCount: 2,
  tokenExpiresInMs: null,
};

/** On the file cache, logins black-holed. */
const FILE_CACHE_DETAILS = { ...LIVE_DETAILS, ...bootFailure(`no answer within ${STARTUP_TIMEOUT_MS} ms`), source: 'file-cache', fallback: true, tokenExpiresInMs: null /* never logged in */ };



// ---- fixture: the library, Terminus and a health controller with the rules of the scenario -------------

const HEALTH_RULES = Symbol('HEALTH_RULES');

@Controller('health')
class FixtureHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly infisical: InfisicalHealthIndicator,
    @Inject(HEALTH_RULES) private readonly rules: InfisicalHealthRules,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.infisical.isHealthy('infisical', this.rules)]);
  }
}

@Module({})
class HealthFixtureModule {
  /** The library with `options`, and GET /health reporting it under `rules`. */
  static withInfisical(options: InfisicalConfigModuleOptions, rules: InfisicalHealthRules = {}): DynamicModule {
    return {
      module: HealthFixtureModule,
      imports: [InfisicalConfigModule.forRoot(options), TerminusModule],
      controllers: [FixtureHealthController],
      providers: [InfisicalHealthIndicator, { provide: HEALTH_RULES, useValue: rules }],
    };
  }

  /** The indicator without InfisicalConfigModule: there is no snapshot to report on. */
  static withoutInfisical(): DynamicModule {
    return {
      module: HealthFixtureModule,
      imports: [TerminusModule],
      controllers: [FixtureHealthController],
      providers: [InfisicalHealthIndicator, { provide: HEALTH_RULES, useValue: {} }],
    };
  }
}

// ---- helpers ---------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  contentType: string | null;
  text: string;
  body: unknown;
}

/** GET over real HTTP; every reply is scanned for planted values. */
async function get(app: INestApplication, path: string): Promise<Reply> {
  const reply = await fetch(`${await app.getUrl()}${path}`);
  const text = await reply.text();
  scanForLeaks.record(text, `GET ${path}`);
  expect(findCanaries(text)).toEqual([]);
  const contentType = reply.headers.get('content-type');
  return { status: reply.status, contentType, text, body: contentType?.includes('json') ? JSON.parse(text) : undefined };
}

/** Terminus' reply for one indicator, up (200) or down (503). */
function healthReply(key: string, details: Record<string, unknown>, up: boolean) {
  const indicator = { [key]: { status: up ? 'up' : 'down', ...details } };
  return up
    ? { status: 'ok', info: indicator, error: {}, details: indicator }
    : { status: 'error', info: {}, error: indicator, details: indicator };
}

/** The sample lines of a Prometheus page (no comments, no histogram buckets or sums), by series. */
function samples(page: string, prefix = 'infisical_config_'): Record<string, number> {
  const series: Record<string, number> = {};
  for (const line of page.split('\n')) {
    if (!line.startsWith(prefix) || /_bucket\{|_sum[{ ]/.test(line)) continue;
    const at = line.lastIndexOf(' ');
    series[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return series;
}

/** No planted value, and no secret's name, anywhere on a metrics page (labels, values, help texts). */
function expectNoSecretOnPage(page: string, where: string): void {
  scanForLeaks.record(page, where);
  expect(findCanaries(page)).toEqual([]);
  for (const key of SECRET_KEYS) expect(page).not.toContain(key);
}

// ---- scenarios -------------------------------------------------------------------------------------------

describe('health and metrics over HTTP (e2e)', () => {
  let harness: E2eHarness;
  let dir: string;
  let cacheKey: string;
  const initialCwd = process.cwd();

  beforeEach(async () => {
    harness = await E2eHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'infisical-health-'));
    cacheKey = randomBytes(32).toString('base64');
    addCanary('cache key', cacheKey);
  });

  afterEach(async () => {
    process.chdir(initialCwd);
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
    expect(findCanaries(harness.logs.text())).toEqual([]);
  });

  const cachePath = () => join(dir, 'cache', 'secrets.enc');
  const dotenvPath = () => join(dir, '.env');

  function options(overrides: Partial<InfisicalConfigModuleOptions> = {}): InfisicalConfigModuleOptions {
    // Healthy boots get the default deadline; only the black-hole scenario uses the short one.
    return harness.options({ refresh: { enabled: false }, ...overrides });
  }

  async function listen(modules: Parameters<E2eHarness['boot']>[0]): Promise<INestApplication> {
    const app = await harness.boot(modules);
    await app.listen(0, '127.0.0.1');
    return app;
  }

  /** A healthy boot with the file cache on writes the cache (under the default deadline); that app is closed again. */
  async function writeCacheThroughAHealthyBoot(): Promise<void> {
    const app = await harness.boot([HealthFixtureModule.withInfisical(options({ fileCache: { key: cacheKey, path: cachePath() } }))]);
    await app.close();
  }

  /** Infisical refuses every login, there is no cache, and `.env` holds two keys. */
  function infisicalDownWithDotenv(): InfisicalConfigModuleOptions {
    writeFileSync(dotenvPath(), `DB_PASSWORD=from-dotenv-${CANARY}\nDB_HOST=localhost\n`);
    harness.server.injectFault('login', { kind: 'status', status: 503 });
    return options({ dotenvFallback: { enabled: true, paths: [dotenvPath()] } });
  }

  describe('the Infisical indicator', () => {
    it('live from Infisical: 200, source infisical, no failure, no warning', async () => {
      const app = await listen([HealthFixtureModule.withInfisical(options())]);
      const { status, body } = await get(app, '/health');
      expect(status).toBe(200);
      expect(body).toEqual(
        healthReply('infisical', LIVE_DETAILS, true),
      );
    });

    it('on the file cache (login black-holed): 200, source file-cache, fallback true', async () => {
      await writeCacheThroughAHealthyBoot();
      harness.server.injectFault('login', { kind: 'blackhole' });
      const app = await listen([HealthFixtureModule.withInfisical(options({ startupTimeoutMs: STARTUP_TIMEOUT_MS, fileCache: { key: cacheKey, path: cachePath() } }))]);
      const { status, body } = await get(app, '/health');
      expect(status).toBe(200);
      expect(body).toEqual(
        healthReply('infisical', FILE_CACHE_DETAILS, true),
      );
    });

    it('on .env files (Infisical failing, no cache): 200, source dotenv, lastSuccessAt null', async () => {
      const app = await listen([HealthFixtureModule.withInfisical(infisicalDownWithDotenv())]);
      const { status, body } = await get(app, '/health');
      expect(status).toBe(200);
      expect(body).toEqual(
        healthReply('infisical', DOTENV_DETAILS, true),
      );
    });

    it('stale beyond maxStalenessMs while refreshes fail: 503 with the reason', async () => {
      const app = await listen([HealthFixtureModule.withInfisical(options(), { maxStalenessMs: 200 })]);
      expect((await get(app, '/health')).status).toBe(200);
      harness.server.injectFault('listSecrets', { kind: 'status', status: 503 });
      expect(await app.get(InfisicalConfigService).refresh()).toEqual({ status: 'failed', reason: expect.stringMatching(/^HTTP 503/) });
      await sleep(300);

      const { status, body } = await get(app, '/health');
      expect(status).toBe(503);
      const lastError = { reason: expect.stringMatching(/^HTTP 503/), status: 503, at: ISO_TIME };
      expect(body).toEqual(
        healthReply('infisical', {
          ...LIVE_DETAILS,
          consecutiveFailures: 1,
          lastError,
          // a short limit is stated in ms, never rounded to a self-contradicting "limit 0 s"
          down: expect.stringMatching(/^values not refreshed from Infisical for \d+ ms \(limit 200 ms\)$/),
        }, false),
      );
    });

    it('fallbackIsDown: 503 while serving a fallback', async () => {
      const app = await listen([HealthFixtureModule.withInfisical(infisicalDownWithDotenv(), { fallbackIsDown: true })]);
      const { status, body } = await get(app, '/health');
      expect(status).toBe(503);
      expect(body).toEqual(
        healthReply('infisical', { ...DOTENV_DETAILS, down: 'serving the dotenv fallback' }, false),
      );
    });

    it('a fetch slower than slowFetchMs: 200 with a warning naming the latency', async () => {
      harness.server.injectFault('listSecrets', { kind: 'latency', ms: 150, times: 1 });
      const app = await listen([HealthFixtureModule.withInfisical(options(), { slowFetchMs: 50 })]);
      const { status, body } = await get(app, '/health');
      expect(status).toBe(200);
      const latencyMs = (body as { info: { infisical: { latencyMs: number } } }).info.infisical.latencyMs;
      expect(latencyMs).toBeGreaterThanOrEqual(150);
      expect(body).toEqual(
        healthReply('infisical', { ...LIVE_DETAILS, latencyMs, warnings: [`slow fetch: ${latencyMs} ms (over 50 ms)`] }, true),
      );
    });

    it('without InfisicalConfigModule: 503, no snapshot loaded', async () => {
      const app = await listen([HealthFixtureModule.withoutInfisical()]);
      const { status, body } = await get(app, '/health');
      expect(status).toBe(503);
      expect(body).toEqual(
        healthReply('infisical', {
          source: null,
          fallback: false,
          latencyMs: null,
          lastSuccessAt: null,
          ageMs: null,
          consecutiveFailures: 0,
          secretCount: 0,
          tokenExpiresInMs: null,
          lastError: null,
          lastRefusal: null,
          warnings: [],
          down: 'no snapshot loaded',
        }, false),
      );
    });
  });

  describe('the demo app (apps/server)', () => {
    const liveInfisical = { status: 'up', ...LIVE_DETAILS };
    const LIVE = { status: 'ok', info: {}, error: {}, details: {} };

    async function bootDemo(): Promise<INestApplication> {
      Object.assign(process.env, harness.bootstrapVariables());
      return listen([AppModule]);
    }

    it('GET /health/ready and /health: 200 with lifecycle and infisical up; /health/live: 200', async () => {
      const app = await bootDemo();
      const ready = { status: 'ok', info: { lifecycle: { status: 'up' }, infisical: liveInfisical }, error: {}, details: { lifecycle: { status: 'up' }, infisical: liveInfisical } };
      for (const path of ['/health/ready', '/health']) {
        const { status, body } = await get(app, path);
        expect([path, status, body]).toEqual([path, 200, ready]);
      }
      expect(await get(app, '/health/live')).toEqual(expect.objectContaining({ status: 200, body: LIVE }));
    });

    it('shutting down: /health/ready is 503 (lifecycle down) during the grace period, /health/live stays 200', async () => {
      process.env.SHUTDOWN_GRACE_MS = '400';
      const app = await bootDemo();
      const shutdown = app.get(ShutdownState);
      const timers = app.get(SchedulerRegistry);
      expect(timers.getTimeouts().sort()).toEqual(['infisical-config:refresh', 'infisical-config:token-renewal']);

      const startedAt = Date.now();
      const closing = app.close();
      await eventually(() => shutdown.shuttingDown);
      const ready = await get(app, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({
        status: 'error',
        info: { infisical: liveInfisical },
        error: { lifecycle: { status: 'down', shuttingDown: true } },
        details: { lifecycle: { status: 'down', shuttingDown: true }, infisical: liveInfisical },
      });
      expect(await get(app, '/health/live')).toEqual(expect.objectContaining({ status: 200, body: LIVE }));

      await closing;
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400);
      expect(timers.getTimeouts()).toEqual([]);
    });

    it('/health/live is 200 while Infisical is down and the app serves the file cache', async () => {
      process.chdir(dir); // the demo's cache lives in .infisical-cache/ of the working directory
      process.env.INFISICAL_CACHE_KEY = cacheKey;
      await (await bootDemo()).close(); // writes the cache
      harness.server.injectFault('login', { kind: 'status', status: 503 });
      const app = await bootDemo();

      expect(await get(app, '/health/live')).toEqual(expect.objectContaining({ status: 200, body: LIVE }));
      const ready = await get(app, '/health/ready');
      expect(ready.status).toBe(200);
      const indicators = {
        lifecycle: { status: 'up' },
        infisical: { ...liveInfisical, ...bootFailure('HTTP 503 Service Unavailable', 503), source: 'file-cache', fallback: true, tokenExpiresInMs: null },
      };
      expect(ready.body).toEqual({ status: 'ok', info: indicators, error: {}, details: indicators });
    });

    it('GET /metrics serves the library series from the global registry, without a value or a key name', async () => {
      const app = await bootDemo();
      const { status, contentType, text } = await get(app, '/metrics');
      expect(status).toBe(200);
      expect(contentType).toMatch(/^text\/plain/);
      expectNoSecretOnPage(text, 'demo /metrics');
      expect(samples(text)).toEqual({
        'infisical_config_fetch_duration_seconds_count{scope="dev:/",outcome="success"}': 1,
        'infisical_config_source{source="infisical"}': 1,
        'infisical_config_source{source="file-cache"}': 0,
        'infisical_config_source{source="dotenv"}': 0,
        infisical_config_values_age_seconds: DURATION,
      });
      for (const name of ['failures_total', 'refreshes_total', 'fallback_activations_total', 'cache_reads_total', 'cache_writes_total']) {
        expect(text).toContain(`# TYPE infisical_config_${name} counter`);
      }
    });
  });

  describe('metrics on a registry of its own', () => {
    it('a scripted run: healthy boot, rotation, failed refresh, refused refresh, then a boot on the file cache', async () => {
      const registry = new Registry();
      const app = await listen([
        HealthFixtureModule.withInfisical(options({ metrics: { registry }, fileCache: { key: cacheKey, path: cachePath() } })),
      ]);
      const secrets = app.get(InfisicalConfigService);

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));

      harness.server.injectFault('listSecrets', { kind: 'status', status: 503 });
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: expect.stringMatching(/^HTTP 503/) });
      harness.server.clearFaults();

      for (const key of ['API_KEY', 'DB_HOST', 'DB_PASSWORD', 'DB_URL']) harness.server.deleteSecret(PROJECT_ID, 'dev', '/', key);
      for (const key of ['DB_HOST', 'LOG_LEVEL', 'SHARED_FLAG']) harness.server.deleteSecret(PROJECT_ID, 'workspace', '/', key);
      expect(await secrets.refresh()).toEqual({ status: 'refused', reason: 'the refresh would remove all 6 keys' });

      const page = await registry.metrics();
      expectNoSecretOnPage(page, 'fixture registry (live app)');
      expect(samples(page)).toEqual({
        'infisical_config_fetch_duration_seconds_count{scope="dev:/",outcome="success"}': 3,
        'infisical_config_fetch_duration_seconds_count{scope="dev:/",outcome="failure"}': 1,
        'infisical_config_failures_total{cause="server_error"}': 1,
        'infisical_config_refreshes_total{outcome="applied"}': 1,
        'infisical_config_refreshes_total{outcome="failed"}': 1,
        'infisical_config_refreshes_total{outcome="refused"}': 1,
        'infisical_config_cache_writes_total{outcome="success"}': 2,
        'infisical_config_source{source="infisical"}': 1,
        'infisical_config_source{source="file-cache"}': 0,
        'infisical_config_source{source="dotenv"}': 0,
        infisical_config_values_age_seconds: DURATION,
      });

      // Another app, with its own registry, boots while Infisical does not answer: the cache serves.
      const fallbackRegistry = new Registry();
      harness.server.injectFault('login', { kind: 'blackhole' });
      await listen([
        HealthFixtureModule.withInfisical(
          // The login gives up after 300 ms (refresh.timeoutMs bounds every request), before the startup deadline.
          options({ metrics: { registry: fallbackRegistry }, fileCache: { key: cacheKey, path: cachePath() }, refresh: { enabled: false, timeoutMs: 300 } }),
        ),
      ]);
      const fallbackPage = await fallbackRegistry.metrics();
      expectNoSecretOnPage(fallbackPage, 'fixture registry (app on the file cache)');
      expect(samples(fallbackPage)).toEqual({
        'infisical_config_fetch_duration_seconds_count{scope="dev:/",outcome="failure"}': 1,
        'infisical_config_failures_total{cause="timeout"}': 1,
        'infisical_config_fallback_activations_total{source="file-cache"}': 1,
        'infisical_config_cache_reads_total{outcome="hit"}': 1,
        'infisical_config_source{source="infisical"}': 0,
        'infisical_config_source{source="file-cache"}': 1,
        'infisical_config_source{source="dotenv"}': 0,
        infisical_config_values_age_seconds: DURATION,
      });
      // The first app's series are its own.
      expect(samples(await registry.metrics())['infisical_config_fallback_activations_total{source="file-cache"}']).toBeUndefined();
    });

    it('the series are removed from the registry when the app closes', async () => {
      const registry = new Registry();
      const app = await harness.boot([HealthFixtureModule.withInfisical(options({ metrics: { registry } }))]);
      expect(Object.keys(samples(await registry.metrics()))).not.toHaveLength(0);
      await app.close();
      expect(await registry.metrics()).toBe('\n');
    });
  });
});
