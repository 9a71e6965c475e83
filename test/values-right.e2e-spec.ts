import { Injectable, Module, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Transform } from 'class-transformer';
import { IsString, MinLength } from 'class-validator';
import {
  InfisicalAccessError,
  InfisicalAuthError,
  InfisicalConfigModule,
  InfisicalConfigService,
  TypedInfisicalConfig,
  type InfisicalConfigModuleOptions,
} from 'nestjs-infisical-config';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2eHarness } from './support/boot.js';
import { CANARY, CLIENT_ID, DB_PASSWORD, PROJECT_ID } from './support/seed.js';
import { eventually, sleep } from './support/eventually.js';

const ROTATED = `rotated-${CANARY}`;


/** The four read paths of one app, for one key. */
function readPaths(app: Awaited<ReturnType<E2eHarness['boot']>>, key: string) {
  const typed = app.get(TypedInfisicalConfig) as TypedInfisicalConfig<Record<string, string>>;
  return {
    configService: app.get(ConfigService).get(key),
    infisical: app.get(InfisicalConfigService).get(key),
    typed: typed.get(key),
    processEnv: process.env[key],
  };
}

const allAre = (value: string) => ({ configService: value, infisical: value, typed: value, processEnv: value });

describe('the values are always right, or the app says so (e2e, local Infisical over HTTP)', () => {
  let harness: E2eHarness;
  let dir: string;

  beforeEach(async () => {
    harness = await E2eHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'infisical-right-'));
  });

  afterEach(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  const quiet = (overrides: Partial<InfisicalConfigModuleOptions> = {}) => harness.options({ refresh: { enabled: false }, ...overrides });

  describe('one app, one load: an AppModule booted again gets its own, current values', () => {
    @Injectable()
    class OptionsFactory {
      static options: InfisicalConfigModuleOptions;
      createInfisicalConfigOptions() {
        return OptionsFactory.options;
      }
    }
    @Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
    class OptionsModule {}

    const variants: Array<[string, () => DynamicModule]> = [
      ['forRoot', () => InfisicalConfigModule.forRoot(OptionsFactory.options)],
      ['forRootAsync useFactory', () => InfisicalConfigModule.forRootAsync({ useFactory: () => OptionsFactory.options })],
      ['forRootAsync useClass', () => InfisicalConfigModule.forRootAsync({ useClass: OptionsFactory })],
      ['forRootAsync useExisting', () => InfisicalConfigModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFactory })],
    ];

    it.each(variants)('%s: sequential boots of one static module, each sees the server as it is now', async (_name, register) => {
      OptionsFactory.options = quiet();
      @Module({ imports: [register()] })
      class AppModule {}

      const first = await harness.boot([AppModule]);
      expect(readPaths(first, 'DB_PASSWORD')).toEqual(allAre(DB_PASSWORD));
      await first.close();

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      const second = await harness.boot([AppModule]);
      expect(readPaths(second, 'DB_PASSWORD')).toEqual(allAre(ROTATED));
      expect(harness.server.requestCount('login')).toBe(2); // each app logged in and loaded for itself
    });

    it('concurrent boots of one static module each load their own values', async () => {
      OptionsFactory.options = quiet();
      @Module({ imports: [InfisicalConfigModule.forRoot(OptionsFactory.options)] })
      class AppModule {}
      const apps = await Promise.all([harness.boot([AppModule]), harness.boot([AppModule]), harness.boot([AppModule])]);
      for (const app of apps) expect(readPaths(app, 'DB_PASSWORD')).toEqual(allAre(DB_PASSWORD));
      expect(harness.server.requestCount('login')).toBe(3);
      expect(harness.server.requestCount('listSecrets')).toBe(3);
    });
  });

  describe('the refresh loop cannot die', () => {
    class ThrowingTransform {
      @IsString() @MinLength(8) DB_PASSWORD!: string;
      // A transform that quotes the value in its error, as user code might.
      @Transform(({ value }) => {
        if (String(value).startsWith('bad-')) throw new TypeError(`cannot parse ${String(value)}`);
        return value;
      })
      @IsString()
      DB_HOST!: string;
    }

    it('a @Transform that throws on a refreshed value refuses the refresh, logs no message, and the next refresh still comes', async () => {
      const app = await harness.boot([
        InfisicalConfigModule.forRoot(harness.options({ schema: ThrowingTransform, refresh: { ttlMs: 400, refreshAt: 0.5, jitter: 0 } })),
      ]);
      const secrets = app.get(InfisicalConfigService);
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_HOST', `bad-${CANARY}`);
      await eventually(() => secrets.status().lastRefusal !== null);
      expect(secrets.status().lastRefusal?.reason).toBe('the values do not pass the schema: (schema)');
      expect(secrets.get('DB_HOST')).toBe('dev-db');
      expect(harness.logs.text()).toMatch(/a @Transform or @Type of the schema threw TypeError/);
      expect(harness.logs.text()).not.toContain('cannot parse');

      // The loop is alive: a good value arrives through the timer, without any manual refresh.
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_HOST', 'good-db');
      await eventually(() => app.get(ConfigService).get('DB_HOST') === 'good-db');
      expect(secrets.status().nextRefreshAt).not.toBeNull();
    });

    it('a changes$ or watch() subscriber that throws or rejects: the refresh is applied, the error is logged by class, the app lives on', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      const secrets = app.get(InfisicalConfigService);
      secrets.changes$.subscribe(() => {
        throw new RangeError(`subscriber saw ${ROTATED}`);
      });
      secrets.watch('DB_PASSWORD').subscribe(async () => {
        throw new SyntaxError(`async subscriber saw ${ROTATED}`);
      });
      const seen: string[][] = [];
      secrets.watch('DB_PASSWORD').subscribe((change) => seen.push([...change.changed]));

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      await sleep(50); // let a rejected promise and rxjs's deferred error reporting run
      expect(seen).toEqual([['DB_PASSWORD', 'DB_URL']]); // other subscribers still get the event
      expect(harness.logs.text()).toMatch(/subscriber of InfisicalConfigService.changes\$ or watch\(\) threw RangeError/);
      expect(harness.logs.text()).toMatch(/threw SyntaxError/);
      expect(harness.logs.text()).not.toContain('subscriber saw');

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `again-${CANARY}`);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
    });
  });

  describe('a rejected token leads to a new login', () => {
    it('a re-keyed (restored, failed-over) server answers the old token with 403 TokenError: one new login, then the new values', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      harness.server.rekey();
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      expect(await app.get(InfisicalConfigService).refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(readPaths(app, 'DB_PASSWORD')).toEqual(allAre(ROTATED));
      expect(harness.server.requestCount('login')).toBe(2);
    });

    it('a 403 that persists after a fresh login is an access problem, reported as such, without a login loop', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      harness.server.injectFault('listSecrets', { kind: 'status', status: 403 });
      const outcome = await app.get(InfisicalConfigService).refresh();
      expect(outcome).toEqual({ status: 'failed', reason: expect.stringMatching(/^HTTP 403/) });
      expect(harness.server.requestCount('login')).toBe(2); // boot, and one new login
      harness.server.clearFaults();
      harness.server.injectFault('listSecrets', { kind: 'status', status: 403 });
      const error = await harness.bootError([InfisicalConfigModule.forRoot(quiet({ dotenvFallback: { enabled: false } }))]);
      expect(error).toBeInstanceOf(InfisicalAccessError);
    });
  });

  describe('recovering from a fallback loses nothing', () => {
    it('after a boot on .env, the switch to live values keeps what only the .env files held, in ConfigService and process.env', async () => {
      const envFile = join(dir, '.env');
      const bootstrap = Object.entries(harness.bootstrapVariables()).map(([key, value]) => `${key}=${value}`);
      writeFileSync(envFile, [...bootstrap, 'APP_PORT=8081', `DB_PASSWORD=from-dotenv-${CANARY}`].join('\n'));
      harness.server.injectFault('login', { kind: 'status', status: 503, times: 1 });
      const app = await harness.boot([
        InfisicalConfigModule.forRoot({ ...quiet({ dotenvFallback: { enabled: true, paths: [envFile] } }), configModule: { envFilePath: [envFile] } }),
      ]);
      const secrets = app.get(InfisicalConfigService);
      expect(secrets.source).toBe('dotenv');

      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(secrets.source).toBe('infisical');
      expect(readPaths(app, 'DB_PASSWORD')).toEqual(allAre(DB_PASSWORD));
      const config = app.get(ConfigService);
      expect(config.get('APP_PORT')).toBe('8081');
      expect(process.env.APP_PORT).toBe('8081');
      expect(config.get('INFISICAL_SITE_URL')).toBe(harness.server.url);
      expect(process.env.INFISICAL_CLIENT_ID).toBe(CLIENT_ID);
    });
  });

  describe('a fallback that serves nothing is not success', () => {
    function writeEnv(lines: string[]): string {
      const envFile = join(dir, '.env');
      writeFileSync(envFile, lines.join('\n'));
      return envFile;
    }

    it('a wrong client secret with .env holding only the bootstrap variables fails boot with the auth error and its remedy', async () => {
      const bootstrap = Object.entries(harness.bootstrapVariables()).map(([key, value]) => `${key}=${value}`);
      const envFile = writeEnv(bootstrap);
      const error = await harness.bootError([
        InfisicalConfigModule.forRoot(
          quiet({ auth: { clientId: CLIENT_ID, clientSecret: `wrong-${CANARY}` }, dotenvFallback: { enabled: true, paths: [envFile] } }),
        ),
      ]);
      expect(error).toBeInstanceOf(InfisicalAuthError);
      expect(error.message).toContain("hold only the module's own INFISICAL_* variables");
      expect(error.message).toContain('INFISICAL_CLIENT_SECRET');
    });

    it('a usable .env fallback keeps the boot failure visible: lastError, consecutiveFailures and a warning with the remedy', async () => {
      const envFile = writeEnv([`DB_PASSWORD=from-dotenv-${CANARY}`]);
      const app = await harness.boot([
        InfisicalConfigModule.forRoot(
          quiet({ auth: { clientId: CLIENT_ID, clientSecret: `wrong-${CANARY}` }, dotenvFallback: { enabled: true, paths: [envFile] } }),
        ),
      ]);
      const status = app.get(InfisicalConfigService).status();
      expect(status).toEqual(expect.objectContaining({ source: 'dotenv', consecutiveFailures: 1 }));
      expect(status.lastError).toEqual(expect.objectContaining({ status: 401, reason: 'HTTP 401 Invalid credentials' }));
      const warning = harness.logs.lines.find((line) => line.includes('Infisical unavailable'));
      expect(warning).toContain('Check the client secret of the machine identity (INFISICAL_CLIENT_SECRET)');
    });
  });

  describe('persist only what passed', () => {
    class NeedsApiKey {
      @IsString() @MinLength(8) API_KEY!: string;
    }

    it('values that fail the schema at boot are not cached: the last good cache serves, the refusal shows, and the cache keeps the good values', async () => {
      const fileCache = { key: randomBytes(32).toString('base64'), path: join(dir, 'cache', 'secrets.enc') };
      const options = quiet({ schema: NeedsApiKey, fileCache, dotenvFallback: { enabled: false } });
      await (await harness.boot([InfisicalConfigModule.forRoot(options)])).close();
      const writtenAt = statSync(fileCache.path).mtimeMs;

      harness.server.deleteSecret(PROJECT_ID, 'dev', '/', 'API_KEY'); // deleted by mistake
      const app = await harness.boot([InfisicalConfigModule.forRoot(options)]);
      const secrets = app.get(InfisicalConfigService);
      expect(secrets.status()).toEqual(expect.objectContaining({ source: 'file-cache', fallback: true }));
      expect(secrets.status().lastRefusal?.reason).toBe('the values do not pass the schema: API_KEY');
      expect(secrets.get('API_KEY')).toBe(`api-key-${CANARY}`);
      expect(statSync(fileCache.path).mtimeMs).toBe(writtenAt);
      await app.close();

      // Later, during an outage, the cache still has what the schema needs.
      harness.server.injectFault('login', { kind: 'status', status: 503 });
      const duringOutage = await harness.boot([InfisicalConfigModule.forRoot(options)]);
      expect(duringOutage.get(InfisicalConfigService).get('API_KEY')).toBe(`api-key-${CANARY}`);
    });

    it('without a good cache, values that fail the schema fail boot listing the problems', async () => {
      harness.server.deleteSecret(PROJECT_ID, 'dev', '/', 'API_KEY');
      const error = await harness.bootError([InfisicalConfigModule.forRoot(quiet({ schema: NeedsApiKey, dotenvFallback: { enabled: true } }))]);
      expect(error.name).toBe('InfisicalConfigValidationError');
      expect(error.message).toContain('API_KEY: missing');
      expect(error.message).toContain('.env files: not used when Infisical answered');
    });
  });

  describe('shutdown is final', () => {
    it('a refresh in flight at app.close() applies nothing and writes nothing afterwards', async () => {
      const fileCache = { key: randomBytes(32).toString('base64'), path: join(dir, 'cache', 'secrets.enc') };
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet({ fileCache }))]);
      const secrets = app.get(InfisicalConfigService);
      const cachedAt = statSync(fileCache.path).mtimeMs;
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      harness.server.injectFault('listSecrets', { kind: 'latency', ms: 400 });

      const inFlight = secrets.refresh();
      await sleep(50);
      await app.close();
      expect(await inFlight).toEqual({ status: 'failed', reason: 'the app is shutting down' });
      await sleep(600); // past the server's answer
      expect(process.env.DB_PASSWORD).toBe(DB_PASSWORD);
      expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(statSync(fileCache.path).mtimeMs).toBe(cachedAt);
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: 'the app is shutting down' });
    });
  });

  describe("processEnv: 'skip' means skip", () => {
    it('a rotated secret never reaches process.env, not even through a .env variable that interpolates it', async () => {
      const envFile = join(dir, '.env');
      writeFileSync(envFile, 'DERIVED=host-is-${DB_HOST}\n');
      const app = await harness.boot([
        InfisicalConfigModule.forRoot({ ...quiet({ processEnv: 'skip' }), configModule: { envFilePath: [envFile], expandVariables: true } }),
      ]);
      const derivedBefore = process.env.DERIVED;
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_HOST', `host-${CANARY}`);
      expect(await app.get(InfisicalConfigService).refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(app.get(ConfigService).get('DB_HOST')).toBe(`host-${CANARY}`);
      expect(process.env.DERIVED).toBe(derivedBefore);
      expect(Object.entries(process.env).filter(([, value]) => value?.includes(CANARY)).map(([key]) => key)).toEqual([]);
    });
  });

  describe('Infisical cannot reconfigure the process', () => {
    it('NODE_TLS_REJECT_UNAUTHORIZED and NODE_OPTIONS stay out of process.env, are served by ConfigService, with one warning', async () => {
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'NODE_TLS_REJECT_UNAUTHORIZED', '0');
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'NODE_OPTIONS', '--require ./evil.js');
      const before = { tls: process.env.NODE_TLS_REJECT_UNAUTHORIZED, options: process.env.NODE_OPTIONS };
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBe(before.tls);
      expect(process.env.NODE_OPTIONS).toBe(before.options);
      expect(app.get(ConfigService).get('NODE_TLS_REJECT_UNAUTHORIZED')).toBe('0');
      const warnings = harness.logs.lines.filter((line) => line.includes('Not written to process.env'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('NODE_OPTIONS, NODE_TLS_REJECT_UNAUTHORIZED');
    });

    it('such a key added by a refresh is withheld too, with a warning', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      const before = process.env.LD_PRELOAD;
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'LD_PRELOAD', '/tmp/evil.so');
      expect(await app.get(InfisicalConfigService).refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(process.env.LD_PRELOAD).toBe(before);
      expect(app.get(ConfigService).get('LD_PRELOAD')).toBe('/tmp/evil.so');
      expect(harness.logs.lines.filter((line) => line.includes('Not written to process.env: LD_PRELOAD') || line.includes('connections: LD_PRELOAD'))).toHaveLength(1);
    });

    it('a key allowed by name is written', async () => {
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'HTTPS_PROXY', 'http://proxy.internal:3128');
      await harness.boot([InfisicalConfigModule.forRoot(quiet({ allowProcessEnvKeys: ['HTTPS_PROXY'] }))]);
      expect(process.env.HTTPS_PROXY).toBe('http://proxy.internal:3128');
    });
  });

  describe('logins and tokens', () => {
    it('a 503 on login does not hold back the next login: recovery is immediate', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      const secrets = app.get(InfisicalConfigService);
      harness.server.revokeTokens();
      harness.server.injectFault('login', { kind: 'status', status: 503, times: 1 });
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: expect.stringMatching(/HTTP 503/) });
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(harness.server.requestCount('login')).toBe(3);
    });

    it('a login during a refresh (after a boot on the file cache) arms the token renewal', async () => {
      const fileCache = { key: randomBytes(32).toString('base64'), path: join(dir, 'cache', 'secrets.enc') };
      await (await harness.boot([InfisicalConfigModule.forRoot(quiet({ fileCache }))])).close();
      harness.server.injectFault('login', { kind: 'status', status: 503, times: 1 });
      const options = harness.options({ fileCache, refresh: { ttlMs: 600_000, retryBaseMs: 50, retryMaxMs: 100 } });
      const app = await harness.boot([ScheduleModule.forRoot(), InfisicalConfigModule.forRoot(options)]);
      const registry = app.get(SchedulerRegistry);
      expect(app.get(InfisicalConfigService).source).toBe('file-cache');
      expect(registry.getTimeouts()).toEqual(['infisical-config:refresh']); // no token yet
      await eventually(() => app.get(InfisicalConfigService).source === 'infisical' && registry.getTimeouts().length === 2);
      expect(registry.getTimeouts().sort()).toEqual(['infisical-config:refresh', 'infisical-config:token-renewal']);
      expect(app.get(InfisicalConfigService).status().tokenExpiresAt).not.toBeNull();
    });

    it('a refused connection during a refresh is reported at once as a network failure, not as a timeout', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet())]);
      await harness.server.close();
      const started = Date.now();
      const outcome = await app.get(InfisicalConfigService).refresh();
      expect(Date.now() - started).toBeLessThan(3_000); // the refresh timeout is 10 s
      expect(outcome).toEqual({ status: 'failed', reason: 'the server could not be reached (ECONNREFUSED)' });
    });
  });

  describe.each(['override', 'preserve', 'skip'] as const)("a mass rotation in processEnv '%s' mode", (mode) => {
    it('ConfigService, InfisicalConfigService, the typed config and process.env agree afterwards', async () => {
      const keys = Array.from({ length: 2_000 }, (_, index) => `MASS_${String(index).padStart(4, '0')}`);
      for (const key of keys) harness.server.setSecret(PROJECT_ID, 'dev', '/', key, `one-${key}`);
      const app = await harness.boot([InfisicalConfigModule.forRoot(quiet({ processEnv: mode }))]);
      for (const key of keys) harness.server.setSecret(PROJECT_ID, 'dev', '/', key, `two-${key}`);
      const outcome = await app.get(InfisicalConfigService).refresh();
      expect(outcome).toEqual(expect.objectContaining({ status: 'applied' }));
      const expectedEnv = (key: string) => (mode === 'skip' ? undefined : `two-${key}`);
      const disagreeing = keys.filter((key) => {
        const paths = readPaths(app, key);
        return paths.configService !== `two-${key}` || paths.infisical !== `two-${key}` || paths.typed !== `two-${key}` || paths.processEnv !== expectedEnv(key);
      });
      expect(disagreeing).toEqual([]);
    });
  });
});
