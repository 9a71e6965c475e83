import { Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IsIn, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import {
  InfisicalAccessError,
  InfisicalAuthError,
  InfisicalConfigModule,
  InfisicalConfigService,
  InfisicalConnectionError,
  InjectInfisicalConfig,
  SecretNotFoundError,
  TypedInfisicalConfig,
} from 'nestjs-infisical-config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { E2eHarness } from './support/boot.js';
import { CANARY, DB_PASSWORD, OUTSIDER_ID, OUTSIDER_SECRET, PROJECT_ID } from './support/seed.js';

class AppConfig {
  @IsString() @MinLength(8) DB_PASSWORD!: string;
  @IsInt() @Min(1) @Max(65535) DB_PORT!: number;
  @IsIn(['debug', 'info', 'warn', 'error']) LOG_LEVEL!: string;
}

class NeedsAMissingKey extends AppConfig {
  @IsString() SMTP_PASSWORD!: string;
}

@Injectable()
class DatabaseClient {
  constructor(@InjectInfisicalConfig() readonly config: TypedInfisicalConfig<AppConfig>) {}
}

describe('typed, validated configuration and errors that say how to fix things (e2e)', () => {
  let harness: E2eHarness;

  beforeEach(async () => {
    harness = await E2eHarness.start();
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PORT', '5432');
  });

  afterEach(async () => {
    await harness.close();
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  const withSchema = (schema: new () => object, overrides = {}) =>
    InfisicalConfigModule.forRoot(harness.options({ schema, refresh: { enabled: false }, ...overrides }));

  describe('schema validation', () => {
    it('serves the typed config through @InjectInfisicalConfig(), converted to the declared types', async () => {
      @Module({ providers: [DatabaseClient] })
      class DatabaseModule {}
      const app = await harness.boot([withSchema(AppConfig), DatabaseModule]);
      const { config } = app.get(DatabaseClient);
      expect(config.get('DB_PORT')).toBe(5432);
      expect(config.value.DB_PASSWORD).toBe(DB_PASSWORD);
      expect(Object.isFrozen(config.value)).toBe(true);
      expect(app.get(ConfigService).get('DB_PORT')).toBe('5432'); // ConfigService keeps the raw strings

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PORT', '6543');
      await app.get(InfisicalConfigService).refresh();
      expect(config.get('DB_PORT')).toBe(6543); // the same injected object follows refreshes
    });

    it('a missing required key fails boot, listing it', async () => {
      const error = await harness.bootError([withSchema(NeedsAMissingKey)]);
      expect(error.name).toBe('InfisicalConfigValidationError');
      expect(error.message).toContain('NeedsAMissingKey');
      expect(error.message).toMatch(/SMTP_PASSWORD: missing/);
      expect(error.message).not.toContain(CANARY);
    });

    it('an invalid value fails boot naming the rule, never the value', async () => {
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PORT', `port-${CANARY}`);
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', 'short');
      const error = await harness.bootError([withSchema(AppConfig)]);
      expect(error.message).toMatch(/DB_PORT: .*isInt/);
      expect(error.message).toMatch(/DB_PASSWORD: .*minLength/);
      expect(error.message).not.toContain(CANARY);
      expect(error.message).not.toContain('short');
    });

    it('a refresh that fails the schema is refused; the old typed object and values are still served', async () => {
      const app = await harness.boot([withSchema(AppConfig)]);
      const typed = app.get(TypedInfisicalConfig) as TypedInfisicalConfig<AppConfig>;
      const before = typed.value;
      harness.server.setSecret(PROJECT_ID, 'workspace', '/', 'LOG_LEVEL', `loud-${CANARY}`);
      const outcome = await app.get(InfisicalConfigService).refresh();
      expect(outcome).toEqual({ status: 'refused', reason: 'the values do not pass the schema: LOG_LEVEL' });
      expect(typed.value).toBe(before);
      expect(typed.get('LOG_LEVEL')).toBe('info');
      expect(app.get(ConfigService).get('LOG_LEVEL')).toBe('info');
      expect(app.get(InfisicalConfigService).status().lastRefusal?.reason).toContain('LOG_LEVEL');
      expect(harness.logs.text()).toMatch(/Refresh from Infisical not applied: [^]*LOG_LEVEL: isIn/);
    });

    it('validates what a fallback supplied too: one that fails the schema cannot serve, and the Infisical failure stays the error', async () => {
      harness.server.injectFault('login', { kind: 'status', status: 503 });
      const error = await harness.bootError([
        withSchema(AppConfig, { dotenvFallback: { enabled: true, paths: ['test/fixtures/partial.env'] } }),
      ]);
      expect(error.name).toBe('InfisicalConnectionError');
      expect(error.message).toContain('HTTP 503');
      expect(error.message).toMatch(/\.env files: does not pass the schema \(DB_PORT\)/);
    });
  });

  describe('each error class comes from the matching real condition, with its remedy and no secret', () => {
    const boot = (overrides: Parameters<E2eHarness['options']>[0]) =>
      harness.bootError([InfisicalConfigModule.forRoot(harness.options({ refresh: { enabled: false }, dotenvFallback: { enabled: false }, ...overrides }))]);

    it('wrong client secret: InfisicalAuthError', async () => {
      const error = await boot({ auth: { clientId: 'identity-e2e', clientSecret: `wrong-${CANARY}` } });
      expect(error).toBeInstanceOf(InfisicalAuthError);
      expect(error.message).toContain('INFISICAL_CLIENT_SECRET');
      expect(error.message).not.toContain(CANARY);
    });

    it('identity without access to the project (403): InfisicalAccessError', async () => {
      const error = await boot({ auth: { clientId: OUTSIDER_ID, clientSecret: OUTSIDER_SECRET } });
      expect(error).toBeInstanceOf(InfisicalAccessError);
      expect(error.message).toMatch(/HTTP 403/);
      expect(error.message).toMatch(/machine identity/i);
      expect(error.message).not.toContain(CANARY);
    });

    it('unknown environment (non-recursive: an empty answer): SecretNotFoundError naming the likely typo', async () => {
      const error = await boot({ scopes: [{ environment: 'prdo' }] });
      expect(error).toBeInstanceOf(SecretNotFoundError);
      expect(error.message).toContain('scope prdo:/ returned no secrets');
      expect(error.message).toContain('INFISICAL_ENVIRONMENT');
    });

    it('unknown environment (recursive: a 404): SecretNotFoundError', async () => {
      const error = await boot({ scopes: [{ environment: 'prdo', recursive: true }] });
      expect(error).toBeInstanceOf(SecretNotFoundError);
      expect(error.message).toMatch(/HTTP 404/);
    });

    it('unreachable URL: InfisicalConnectionError', async () => {
      const url = harness.server.url;
      await harness.server.close();
      const error = await boot({ siteUrl: url });
      expect(error).toBeInstanceOf(InfisicalConnectionError);
      expect(error.message).toMatch(/could not be reached/);
    });

    it('a URL that is not Infisical: InfisicalConnectionError saying what INFISICAL_SITE_URL must be', async () => {
      const other: Server = createServer((_request, response) => response.end('<html>Sign in to the proxy</html>'));
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      try {
        const error = await boot({ siteUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}` });
        expect(error).toBeInstanceOf(InfisicalConnectionError);
        expect((error as InfisicalConnectionError).problem).toBe('not-infisical');
        expect(error.message).toContain('INFISICAL_SITE_URL');
      } finally {
        other.closeAllConnections();
        await new Promise((resolve) => other.close(resolve));
      }
    });
  });

  describe('bad input from the server', () => {
    it('keys that are not variable names or would pollute objects are skipped with a warning, never written', async () => {
      harness.server.setSecret(PROJECT_ID, 'dev', '/', '__proto__', `polluted-${CANARY}`);
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'BAD KEY', `bad-${CANARY}`);
      const app = await harness.boot([InfisicalConfigModule.forRoot(harness.options({ refresh: { enabled: false } }))]);
      const secrets = app.get(InfisicalConfigService);
      expect(secrets.has('__proto__')).toBe(false);
      expect(secrets.has('BAD KEY')).toBe(false);
      expect(process.env['BAD KEY']).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(harness.logs.text()).toMatch(/Secret key __proto__ skipped/);
      expect(harness.logs.text()).toMatch(/Secret key BAD KEY skipped/);
    });

    it('a key defined in several scopes follows the precedence, with a warning naming it', async () => {
      const app = await harness.boot([
        InfisicalConfigModule.forRoot(harness.options({ scopes: [{ environment: 'workspace' }, { environment: 'dev' }], refresh: { enabled: false } })),
      ]);
      expect(app.get(ConfigService).get('DB_HOST')).toBe('dev-db');
      expect(harness.logs.text()).toMatch(/Keys defined in several scopes, the later scope wins .*: DB_HOST/);
      const warnings = () => harness.logs.lines.filter((line) => line.includes('Keys defined in several scopes')).length;
      await app.get(InfisicalConfigService).refresh();
      expect(warnings()).toBe(1); // not repeated on every refresh while nothing changes
    });
  });
});
