import { Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InfisicalConfigModule, InfisicalConfigService, RotationProbe, type InfisicalConfigModuleOptions } from 'nestjs-infisical-config';
import { Registry } from 'prom-client';
import { E2eHarness } from './support/boot.js';
import { CANARY, DB_PASSWORD, PROJECT_ID } from './support/seed.js';
import { eventually } from './support/eventually.js';



/** Stands in for the database: the password it accepts, changed by the test like a DBA would. */
class FakeDatabase {
  static acceptedPassword = DB_PASSWORD;
  static hang = false;
  static calls: Array<Record<string, string>> = [];
}

@Injectable()
class DatabaseProbe {
  @RotationProbe({ keys: ['DB_HOST', 'DB_PASSWORD'], timeoutMs: 300 })
  async canConnect(candidate: Record<string, string>, signal: AbortSignal): Promise<void> {
    FakeDatabase.calls.push({ ...candidate });
    if (FakeDatabase.hang) await new Promise((resolve) => signal.addEventListener('abort', resolve));
    // Like a driver's error, this one quotes what it was given: it must never reach a log.
    if (candidate.DB_PASSWORD !== FakeDatabase.acceptedPassword) throw new Error(`password authentication failed for ${candidate.DB_PASSWORD}`);
  }
}

@Module({ providers: [DatabaseProbe] })
class DatabaseModule {}

describe('rotation without breakage (e2e, local Infisical over HTTP)', () => {
  let harness: E2eHarness;
  let registry: Registry;

  beforeEach(async () => {
    harness = await E2eHarness.start();
    registry = new Registry();
    FakeDatabase.acceptedPassword = DB_PASSWORD;
    FakeDatabase.hang = false;
    FakeDatabase.calls = [];
  });

  afterEach(async () => {
    await harness.close();
    expect(harness.logs.text()).not.toContain(CANARY);
    expect(await registry.metrics()).not.toContain(CANARY);
  });

  async function boot(overrides: Partial<InfisicalConfigModuleOptions> = {}) {
    const options = harness.options({ refresh: { enabled: false }, metrics: { registry }, ...overrides });
    const app = await harness.boot([InfisicalConfigModule.forRoot(options), DatabaseModule]);
    return { app, secrets: app.get(InfisicalConfigService), config: app.get(ConfigService) };
  }

  const probeFailures = async () => (await registry.getSingleMetricAsString('infisical_config_probe_failures_total')).match(/probe="DatabaseProbe.canConnect"} (\d+)/)?.[1];

  describe('rotation probes', () => {
    it('a password that does not work yet is refused by its probe, then applied by the first refresh after it works', async () => {
      const { secrets, config } = await boot({ refresh: { ttlMs: 600_000, retryBaseMs: 100, retryMaxMs: 200 } });
      const rotated = `rotated-${CANARY}`;
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', rotated); // Infisical first, the database later

      const outcome = await secrets.refresh();
      expect(outcome).toEqual({
        status: 'refused',
        reason: 'rotation probe DatabaseProbe.canConnect (DB_HOST, DB_PASSWORD) failed: Error',
        probe: 'DatabaseProbe.canConnect',
      });
      expect(config.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(process.env.DB_PASSWORD).toBe(DB_PASSWORD);
      expect(secrets.status().lastRefusal?.reason).toContain('DatabaseProbe.canConnect');
      expect(await probeFailures()).toBe('1');
      expect(FakeDatabase.calls).toEqual([{ DB_HOST: 'dev-db', DB_PASSWORD: rotated }]); // its group's keys only

      // The database catches up; the retry backoff (not a full TTL) picks the new value up on its own.
      FakeDatabase.acceptedPassword = rotated;
      await eventually(() => config.get('DB_PASSWORD') === rotated);
      expect(secrets.get('DB_PASSWORD')).toBe(rotated);
      expect(secrets.status().nextRefreshAt).not.toBeNull();
    });

    it('a probe that hangs is cut by its timeout and counts as a failure', async () => {
      const { secrets, config } = await boot();
      FakeDatabase.hang = true;
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_HOST', 'new-db-host');
      const started = Date.now();
      const outcome = await secrets.refresh();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(outcome).toEqual(expect.objectContaining({ status: 'refused', reason: 'rotation probe DatabaseProbe.canConnect (DB_HOST, DB_PASSWORD) failed: no answer within 300 ms' }));
      expect(config.get('DB_HOST')).toBe('dev-db');
      expect(await probeFailures()).toBe('1');
    });

    it('a refresh that touches only keys outside every group runs no probe', async () => {
      const { secrets, config } = await boot();
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'API_KEY', `new-api-key-${CANARY}`);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(FakeDatabase.calls).toEqual([]);
      expect(config.get('API_KEY')).toBe(`new-api-key-${CANARY}`);
    });

    it('a refresh refused by one group keeps every key at its last good value, including keys outside the group', async () => {
      const { secrets, config } = await boot();
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'API_KEY', `new-api-key-${CANARY}`);
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `not-yet-${CANARY}`);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'refused' }));
      expect(config.get('API_KEY')).toBe(`api-key-${CANARY}`);
      expect(secrets.get('API_KEY')).toBe(`api-key-${CANARY}`);
      expect(process.env.API_KEY).toBe(`api-key-${CANARY}`);
    });
  });

  describe('the previous value for a grace window', () => {
    it('is available during the window, never in process.env, and gone after it', async () => {
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'JWT_SECRET', `jwt-one-${CANARY}`);
      const { secrets } = await boot({ rotation: { keepPrevious: ['JWT_SECRET'], previousWindowMs: 600 } });
      expect(secrets.previous('JWT_SECRET')).toBeUndefined(); // nothing replaced yet

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'JWT_SECRET', `jwt-two-${CANARY}`);
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'API_KEY', `new-api-key-${CANARY}`);
      await secrets.refresh();
      expect(secrets.get('JWT_SECRET')).toBe(`jwt-two-${CANARY}`);
      expect(secrets.previous('JWT_SECRET')).toBe(`jwt-one-${CANARY}`);
      expect(secrets.previous('API_KEY')).toBeUndefined(); // not named
      expect(Object.values(process.env)).not.toContain(`jwt-one-${CANARY}`);

      await eventually(() => secrets.previous('JWT_SECRET') === undefined, 5_000);
      expect(secrets.get('JWT_SECRET')).toBe(`jwt-two-${CANARY}`);
    });

    it('is dropped on shutdown', async () => {
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'JWT_SECRET', `jwt-one-${CANARY}`);
      const { app, secrets } = await boot({ rotation: { keepPrevious: ['JWT_SECRET'] } });
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'JWT_SECRET', `jwt-two-${CANARY}`);
      await secrets.refresh();
      expect(secrets.previous('JWT_SECRET')).toBe(`jwt-one-${CANARY}`);
      await app.close();
      expect(secrets.previous('JWT_SECRET')).toBeUndefined();
    });
  });
});
