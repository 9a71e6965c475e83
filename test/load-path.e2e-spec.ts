import { Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModulesContainer } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { InfisicalConfigModule, InfisicalConfigService, infisicalOptionsFromEnv } from 'nestjs-infisical-config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2eHarness } from './support/boot.js';
import {
  ConstructorReader,
  FAKE_DATABASE_OPTIONS,
  FakeDatabaseModule,
  ReaderModule,
  SettingsModule,
  SettingsThatNeedConfig,
  type Sighting,
} from './fixtures/consumer.fixtures.js';
import { CANARY, CLIENT_SECRET, DB_PASSWORD } from './support/seed.js';

describe('Loading secrets before anything reads configuration (e2e, local Infisical over HTTP)', () => {
  let harness: E2eHarness;
  let envDir: string;

  beforeEach(async () => {
    harness = await E2eHarness.start();
    envDir = mkdtempSync(join(tmpdir(), 'infisical-e2e-'));
    // Make the race real: a consumer that does not wait would run well before the list call answers.
    harness.server.injectFault('listSecrets', { kind: 'latency', ms: 150 });
  });

  afterEach(async () => {
    await harness.close();
    rmSync(envDir, { recursive: true, force: true });
    // No test may leak a value into a log line.
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  /** The documented wiring: options from the bootstrap variables in a .env file, read through ConfigService. */
  function documentedWiring(envFile: string) {
    return InfisicalConfigModule.forRootAsync({
      configModule: { envFilePath: envFile },
      inject: [ConfigService],
      useFactory: (config: ConfigService) => infisicalOptionsFromEnv(config),
    });
  }

  function writeEnvFile(variables: Record<string, string>): string {
    const file = join(envDir, '.env');
    writeFileSync(file, Object.entries(variables).map(([key, value]) => `${key}=${value}`).join('\n'));
    return file;
  }

  it('a provider in another module sees the Infisical value in its constructor, through ConfigService and process.env', async () => {
    const app = await harness.boot([ReaderModule, documentedWiring(writeEnvFile(harness.bootstrapVariables()))]);
    expect(app.get(ConstructorReader).seen).toEqual<Sighting>({ fromConfigService: DB_PASSWORD, fromProcessEnv: DB_PASSWORD });
  });

  it("another dynamic module's forRootAsync factory injecting ConfigService sees the value, and process.env already has it", async () => {
    const fakeDatabase = FakeDatabaseModule.forRootAsync({
      inject: [ConfigService],
      useFactory: ((config: ConfigService): Sighting => ({
        fromConfigService: config.get('DB_PASSWORD'),
        fromProcessEnv: process.env.DB_PASSWORD,
      })) as never,
    });
    const app = await harness.boot([fakeDatabase, documentedWiring(writeEnvFile(harness.bootstrapVariables()))]);
    expect(app.get(FAKE_DATABASE_OPTIONS)).toEqual({ fromConfigService: DB_PASSWORD, fromProcessEnv: DB_PASSWORD });
  });

  it('the options factory reads the bootstrap variables from a .env file through the injected ConfigService', async () => {
    const envFile = writeEnvFile(harness.bootstrapVariables());
    for (const name of Object.keys(harness.bootstrapVariables())) delete process.env[name];
    const app = await harness.boot([documentedWiring(envFile)]);
    expect(app.get(InfisicalConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    expect(app.get(ConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
  });

  it('Infisical wins over the same key in a .env file, in ConfigService and in process.env (processEnv: override)', async () => {
    const envFile = writeEnvFile({ ...harness.bootstrapVariables(), DB_PASSWORD: 'from-dotenv' });
    const app = await harness.boot([ReaderModule, documentedWiring(envFile)]);
    expect(app.get(ConstructorReader).seen).toEqual({ fromConfigService: DB_PASSWORD, fromProcessEnv: DB_PASSWORD });
  });

  it('boot makes one login and one list call per scope, and nothing else', async () => {
    harness.server.resetRequestCounts();
    await harness.boot([
      InfisicalConfigModule.forRoot({
        ...harness.options({ scopes: [{ environment: 'workspace' }, { environment: 'dev' }, { environment: 'server' }] }),
      }),
    ]);
    expect(harness.server.requestCount('login')).toBe(1);
    expect(harness.server.requestCount('listSecrets')).toBe(3);
    expect(harness.server.requestCount()).toBe(4);
  });

  it('an options factory that depends on the app-wide ConfigService fails boot quickly with a message saying what to do', async () => {
    const started = Date.now();
    const error = await harness.bootError([
      InfisicalConfigModule.forRootAsync({
        optionsTimeoutMs: 300,
        imports: [SettingsModule],
        inject: [SettingsThatNeedConfig],
        useFactory: (settings: SettingsThatNeedConfig) => infisicalOptionsFromEnv(settings.config),
      }),
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.message).toContain('options factory did not return within 300 ms');
    expect(error.message).toContain('Inject ConfigService directly');
  });

  describe('forRoot / forRootAsync variants', () => {
    it('forRoot with plain options', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(harness.options())]);
      expect(app.get(ConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    });

    it('forRootAsync with useClass (the class may inject the bootstrap ConfigService)', async () => {
      Object.assign(process.env, harness.bootstrapVariables());
      @Injectable()
      class OptionsFromConfig {
        constructor(private readonly config: ConfigService) {}
        createInfisicalConfigOptions() {
          return infisicalOptionsFromEnv(this.config);
        }
      }
      const app = await harness.boot([InfisicalConfigModule.forRootAsync({ useClass: OptionsFromConfig })]);
      expect(app.get(InfisicalConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    });

    it('forRootAsync with useExisting from an imported module', async () => {
      const options = harness.options();
      @Injectable()
      class OptionsFactory {
        createInfisicalConfigOptions() {
          return options;
        }
      }
      @Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
      class OptionsModule {}
      const app = await harness.boot([InfisicalConfigModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFactory })]);
      expect(app.get(ConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    });

    it("uses the app's own ScheduleModule.forRoot() (no second ScheduleModule to run the app's jobs twice)", async () => {
      const app = await harness.boot([ScheduleModule.forRoot(), InfisicalConfigModule.forRoot(harness.options())]);
      const scheduleModules = [...app.get(ModulesContainer).values()].filter((module) => module.metatype === ScheduleModule);
      expect(scheduleModules).toHaveLength(1);
      const registry = app.get(SchedulerRegistry);
      registry.addInterval('app-job', setInterval(() => undefined, 60_000));
      expect(registry.getTimeouts().sort()).toEqual(['infisical-config:refresh', 'infisical-config:token-renewal']);
      expect(registry.getIntervals()).toEqual(['app-job']);
      registry.deleteInterval('app-job');
    });

    it('registering the module twice fails boot with a message saying to register it once', async () => {
      const error = await harness.bootError([InfisicalConfigModule.forRoot(harness.options()), InfisicalConfigModule.forRoot(harness.options({ processEnv: 'skip' }))]);
      expect(error.message).toContain('InfisicalConfigModule is registered more than once');
    });

    it('isGlobal: false keeps the services to modules that import it', async () => {
      const registration = InfisicalConfigModule.forRoot({ ...harness.options(), isGlobal: false });
      @Injectable()
      class Isolated {
        constructor(readonly config: ConfigService) {}
      }
      @Module({ imports: [registration], providers: [Isolated] })
      class IsolatedModule {}
      const app = await harness.boot([IsolatedModule]);
      expect(app.get(Isolated).config.get('DB_PASSWORD')).toBe(DB_PASSWORD);
    });
  });

  describe('what is loaded', () => {
    it('merges imports, recursive folders, expanded references and several scopes in the documented precedence', async () => {
      const app = await harness.boot([
        InfisicalConfigModule.forRoot(
          harness.options({ scopes: [{ environment: 'server' }, { environment: 'dev', recursive: true }] }),
        ),
      ]);
      const secrets = app.get(InfisicalConfigService);
      expect(secrets.get('SHARED_FLAG')).toBe(`shared-${CANARY}`); // imported from workspace
      expect(secrets.get('DB_HOST')).toBe('dev-db'); // the folder's own value beats its import and its sub-folder
      expect(secrets.get('NESTED_ONLY')).toBe(`nested-${CANARY}`); // recursive
      expect(secrets.get('DB_URL')).toBe(`postgres://app:${DB_PASSWORD}@dev-db/app`); // references expanded
      expect(secrets.get('LOG_LEVEL')).toBe('info'); // dev (later scope, via its import) beats server
      expect(secrets.get('SERVER_ONLY')).toBe(`server-${CANARY}`);
    });

    it('serves get, getOrThrow, has and getAll (a copy) from memory', async () => {
      const app = await harness.boot([InfisicalConfigModule.forRoot(harness.options())]);
      const secrets = app.get(InfisicalConfigService);
      const before = harness.server.requestCount();
      expect(secrets.has('DB_PASSWORD')).toBe(true);
      expect(secrets.has('NOPE')).toBe(false);
      expect(secrets.get('NOPE', 'fallback')).toBe('fallback');
      expect(() => secrets.getOrThrow('NOPE')).toThrow('"NOPE" is not set');
      const all = secrets.getAll();
      all.DB_PASSWORD = 'tampered';
      expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(harness.server.requestCount()).toBe(before);
    });

    it("processEnv: 'skip' leaves process.env alone while ConfigService still serves the value", async () => {
      delete process.env.DB_PASSWORD;
      const app = await harness.boot([InfisicalConfigModule.forRoot(harness.options({ processEnv: 'skip' }))]);
      expect(process.env.DB_PASSWORD).toBeUndefined();
      expect(app.get(ConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    });

    it("processEnv: 'preserve' keeps a variable the environment already had", async () => {
      process.env.DB_PASSWORD = 'from-the-orchestrator';
      await harness.boot([InfisicalConfigModule.forRoot(harness.options({ processEnv: 'preserve' }))]);
      expect(process.env.DB_PASSWORD).toBe('from-the-orchestrator');
      expect(process.env.API_KEY).toBe(`api-key-${CANARY}`);
    });
  });

  describe('bad input fails boot with one clear message and no secret', () => {
    it('invalid options list every problem at once', async () => {
      const error = await harness.bootError([
        InfisicalConfigModule.forRoot({
          siteUrl: 'not a url',
          projectId: '',
          scopes: [{ environment: '', secretPath: 'relative' }],
          auth: { clientId: '', clientSecret: CLIENT_SECRET },
          processEnv: 'sometimes' as never,
        }),
      ]);
      expect(error.name).toBe('InfisicalConfigOptionsError');
      expect(error.message).toContain('6 problems');
      for (const field of ['siteUrl', 'projectId', 'scopes[0].environment', 'secretPath', 'auth.clientId', 'processEnv']) {
        expect(error.message).toContain(field);
      }
      expect(error.message).not.toContain(CANARY);
    });

    it('missing bootstrap variables are named together', async () => {
      const envFile = writeEnvFile({ INFISICAL_SITE_URL: harness.server.url, INFISICAL_CLIENT_SECRET: CLIENT_SECRET });
      for (const name of Object.keys(harness.bootstrapVariables())) delete process.env[name];
      const error = await harness.bootError([documentedWiring(envFile)]);
      expect(error.message).toContain('3 problems');
      for (const name of ['INFISICAL_PROJECT_ID', 'INFISICAL_ENVIRONMENT', 'INFISICAL_CLIENT_ID']) expect(error.message).toContain(name);
      expect(error.message).not.toContain(CANARY);
    });

    it('a wrong client secret is reported with the status and what to check', async () => {
      const error = await harness.bootError([
        InfisicalConfigModule.forRoot(harness.options({ auth: { clientId: 'identity-e2e', clientSecret: `wrong-${CANARY}` } })),
      ]);
      expect(error.name).toBe('InfisicalAuthError');
      expect(error.message).toContain('login failed: HTTP 401 Invalid credentials');
      expect(error.message).toContain('INFISICAL_CLIENT_SECRET');
      expect(error.message).not.toContain(CANARY);
      expect(error.message).not.toContain('workspaceId=');
    });

    it('a site URL that is not Infisical fails with a hint instead of loading nothing', async () => {
      harness.server.clearFaults();
      harness.server.injectFault('listSecrets', { kind: 'malformed' });
      const error = await harness.bootError([InfisicalConfigModule.forRoot(harness.options())]);
      expect(error.message).toContain('not an Infisical secrets list');
    });

    it('an identity without access to the project gets a 403 with a remedy', async () => {
      const error = await harness.bootError([
        InfisicalConfigModule.forRoot(harness.options({ auth: { clientId: 'identity-outsider', clientSecret: `outsider-secret-${CANARY}` } })),
      ]);
      expect(error.message).toContain('HTTP 403');
      expect(error.message).toContain('access');
      expect(error.message).not.toContain(CANARY);
    });

    it('a black-holed server fails boot at the startup timeout instead of hanging', async () => {
      harness.server.injectFault('login', { kind: 'blackhole' });
      const started = Date.now();
      const error = await harness.bootError([InfisicalConfigModule.forRoot(harness.options({ startupTimeoutMs: 500 }))]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toMatch(/did not finish within 500 ms|login failed: the request timed out/);
    });
  });
});
