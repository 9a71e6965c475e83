import { ConfigService } from '@nestjs/config';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { InfisicalConfigModule, InfisicalConfigService, type SecretsChange } from 'nestjs-infisical-config';
import { createHash } from 'node:crypto';
import { firstValueFrom, timeout, toArray, take } from 'rxjs';
import { E2eHarness } from './support/boot.js';
import { CANARY, DB_PASSWORD, PROJECT_ID, e2eSeed } from './support/seed.js';
import { eventually, sleep } from './support/eventually.js';

const ROTATED = `rotated-${CANARY}`;


describe('keeping secrets current (e2e, local Infisical over HTTP)', () => {
  let harness: E2eHarness;

  afterEach(async () => {
    await harness.close();
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  /** Boots the module alone; the schedule is off unless `refresh` turns it on. */
  async function boot(overrides: Parameters<E2eHarness['options']>[0] = {}) {
    const app = await harness.boot([
      InfisicalConfigModule.forRoot(harness.options({ refresh: { enabled: false }, ...overrides })),
    ]);
    return { app, secrets: app.get(InfisicalConfigService), config: app.get(ConfigService) };
  }

  describe('scheduled refresh', () => {
    beforeEach(async () => (harness = await E2eHarness.start()));

    it('serves a value rotated on the server within one refresh interval, through ConfigService and process.env', async () => {
      const interval = { ttlMs: 600, refreshAt: 0.5, jitter: 0 }; // a refresh every 300 ms
      const { secrets, config } = await boot({ refresh: interval });
      const changed = firstValueFrom(secrets.changes$.pipe(timeout(3_000)));
      const rotatedAt = Date.now();
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);

      const change = await changed;
      expect(Date.now() - rotatedAt).toBeLessThan(300 + 1_000); // one interval plus a generous margin
      expect(change).toEqual(expect.objectContaining({ added: [], changed: ['DB_PASSWORD', 'DB_URL'], removed: [], source: 'infisical' }));
      expect(config.get('DB_PASSWORD')).toBe(ROTATED);
      expect(process.env.DB_PASSWORD).toBe(ROTATED);
      expect(secrets.get('DB_URL')).toBe(`postgres://app:${ROTATED}@dev-db/app`);
    });

    it("registers its timers by name in the app's SchedulerRegistry and leaves none after app.close()", async () => {
      const app = await harness.boot([ScheduleModule.forRoot(), InfisicalConfigModule.forRoot(harness.options({ refresh: { ttlMs: 60_000 } }))]);
      const registry = app.get(SchedulerRegistry);
      expect(registry.getTimeouts().sort()).toEqual(['infisical-config:refresh', 'infisical-config:token-renewal']);
      expect(app.get(InfisicalConfigService).status().nextRefreshAt).not.toBeNull();
      let completed = false;
      app.get(InfisicalConfigService).changes$.subscribe({ complete: () => (completed = true) });
      await app.close();
      expect(registry.getTimeouts()).toEqual([]);
      expect(completed).toBe(true); // change streams end with the app
    });

    it('after failures, keeps the last good values, backs off and recovers on its own', async () => {
      const { secrets } = await boot({ refresh: { ttlMs: 400, refreshAt: 0.5, jitter: 0, retryBaseMs: 50, retryMaxMs: 200 } });
      harness.server.injectFault('listSecrets', { kind: 'status', status: 503, times: 3 });
      await eventually(() => secrets.status().consecutiveFailures >= 3);
      expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(secrets.status().lastError).toEqual(expect.objectContaining({ status: 503 }));
      expect(harness.logs.text()).toMatch(/Refresh from Infisical failed after \d+ ms \(3 in a row\): HTTP 503/);

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      await eventually(() => secrets.get('DB_PASSWORD') === ROTATED);
      expect(secrets.status().consecutiveFailures).toBe(0);
    });
  });

  describe('manual refresh()', () => {
    beforeEach(async () => (harness = await E2eHarness.start()));

    it('concurrent triggers share one refresh: one list request per scope', async () => {
      const { secrets } = await boot({ scopes: [{ environment: 'workspace' }, { environment: 'dev' }] });
      harness.server.injectFault('listSecrets', { kind: 'latency', ms: 150 });
      harness.server.resetRequestCounts();
      const outcomes = await Promise.all([secrets.refresh(), secrets.refresh(), secrets.refresh(), secrets.refresh()]);
      expect(harness.server.requestCount('listSecrets')).toBe(2);
      expect(harness.server.requestCount('login')).toBe(0);
      expect(new Set(outcomes).size).toBe(1);
      expect(outcomes[0]).toEqual({ status: 'unchanged' });
    });

    it('a refresh with the same content changes nothing and emits nothing, but the values are fresh again', async () => {
      const { secrets } = await boot();
      const events: SecretsChange[] = [];
      const subscription = secrets.changes$.subscribe((event) => events.push(event));
      const before = secrets.status();
      await sleep(20);
      expect(await secrets.refresh()).toEqual({ status: 'unchanged' });
      subscription.unsubscribe();
      expect(events).toEqual([]);
      expect(secrets.status().fingerprint).toBe(before.fingerprint);
      expect(Date.parse(secrets.status().fetchedAt)).toBeGreaterThan(Date.parse(before.fetchedAt));
    });

    it('change events name the added, changed and removed keys; watch() filters by key', async () => {
      const { secrets, config } = await boot();
      const all = firstValueFrom(secrets.changes$);
      const passwordChanges = firstValueFrom(secrets.watch('DB_PASSWORD').pipe(take(1), toArray()));
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'NEW_KEY', `new-${CANARY}`);
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      harness.server.deleteSecret(PROJECT_ID, 'dev', '/', 'API_KEY');
      const outcome = await secrets.refresh();

      const expected = { added: ['NEW_KEY'], changed: ['DB_PASSWORD', 'DB_URL'], removed: ['API_KEY'] };
      expect(outcome).toEqual({ status: 'applied', diff: expected });
      expect(await all).toEqual({ ...expected, source: 'infisical', at: expect.any(Date) });
      expect((await passwordChanges)[0].changed).toContain('DB_PASSWORD');
      expect(config.get('API_KEY')).toBeUndefined();
      expect(process.env.API_KEY).toBeUndefined();
      expect(config.get('NEW_KEY')).toBe(`new-${CANARY}`);
      expect(JSON.stringify(await all)).not.toContain(CANARY);
    });

    it('a failed refresh keeps the old values, reports a sanitized error, and the next one recovers', async () => {
      const { secrets, config } = await boot();
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      harness.server.injectFault('listSecrets', { kind: 'status', status: 500, times: 1 });
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: expect.stringContaining('HTTP 500') });
      expect(config.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      const status = secrets.status();
      expect(status.consecutiveFailures).toBe(1);
      expect(status.lastError?.reason).not.toMatch(/workspaceId=|URL=/);
      expect(JSON.stringify(status)).not.toContain(CANARY);

      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(config.get('DB_PASSWORD')).toBe(ROTATED);
      expect(secrets.status().consecutiveFailures).toBe(0);
    });
  });

  describe('guarded swaps', () => {
    beforeEach(async () => (harness = await E2eHarness.start()));

    it('refuses a refresh that removes every key, keeps the old values and shows why in status()', async () => {
      const { secrets, config } = await boot({ scopes: [{ environment: 'server' }] });
      harness.server.deleteSecret(PROJECT_ID, 'server', '/', 'LOG_LEVEL');
      harness.server.deleteSecret(PROJECT_ID, 'server', '/', 'SERVER_ONLY');
      expect(await secrets.refresh()).toEqual({ status: 'refused', reason: 'the refresh would remove all 2 keys' });
      expect(config.get('SERVER_ONLY')).toBe(`server-${CANARY}`);
      expect(secrets.status().lastRefusal?.reason).toBe('the refresh would remove all 2 keys');
      expect(harness.logs.text()).toContain('Refresh from Infisical not applied: the refresh would remove all 2 keys');
    });

    it('refuses removing more than maxRemovedShare, and acceptMassDeletion lets it through', async () => {
      const guarded = await boot({ refresh: { enabled: false, maxRemovedShare: 0.4 } });
      for (const key of ['DB_PASSWORD', 'DB_URL', 'API_KEY']) harness.server.deleteSecret(PROJECT_ID, 'dev', '/', key);
      expect(await guarded.secrets.refresh()).toEqual({
        status: 'refused',
        reason: 'the refresh would remove 3 of 6 keys (50%, limit 40%)',
      });
      const accepting = await boot({ refresh: { enabled: false, acceptMassDeletion: true } });
      expect(accepting.secrets.keys()).not.toContain('DB_PASSWORD');
    });
  });

  describe('status() and the fingerprint', () => {
    beforeEach(async () => (harness = await E2eHarness.start()));

    it('reports the state without values; replicas with the same content share a keyed fingerprint', async () => {
      const first = await boot();
      const second = await boot();
      const status = first.secrets.status();
      expect(status).toEqual({
        source: 'infisical',
        fallback: false,
        fetchedAt: expect.any(String),
        ageMs: expect.any(Number),
        lastLatencyMs: expect.any(Number),
        secretCount: 6,
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        nextRefreshAt: null,
        refreshing: false,
        consecutiveFailures: 0,
        lastError: null,
        lastRefusal: null,
        tokenExpiresAt: expect.any(String),
        fleet: null,
      });
      expect(second.secrets.status().fingerprint).toBe(status.fingerprint);
      const values = first.secrets.getAll();
      const plain = createHash('sha256').update(JSON.stringify(Object.entries(values).sort())).digest('hex');
      expect(status.fingerprint).toEqual(expect.any(String));
      expect(plain.startsWith(status.fingerprint as string)).toBe(false);

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      await first.secrets.refresh();
      expect(first.secrets.status().fingerprint).not.toBe(second.secrets.status().fingerprint);
    });

    it('the values age while refreshes fail', async () => {
      const { secrets } = await boot();
      harness.server.injectFault('listSecrets', { kind: 'status', status: 503 });
      await secrets.refresh();
      const firstAge = secrets.status().ageMs;
      await sleep(50);
      await secrets.refresh();
      expect(secrets.status().ageMs).toBeGreaterThan(firstAge);
      expect(secrets.status().consecutiveFailures).toBe(2);
    });
  });

  describe('token lifecycle', () => {
    it('with TTL = max TTL (Infisical default) an aged-out token is replaced by a new login, not a renewal', async () => {
      const seed = e2eSeed();
      Object.assign(seed.identities[0], { accessTokenTTL: 0.2, accessTokenMaxTTL: 0.2 });
      harness = await E2eHarness.start(seed);
      const { secrets } = await boot();
      await sleep(300); // the token is now past its TTL on the server
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(harness.server.requestCount('login')).toBe(2);
      expect(harness.server.requestCount('renew')).toBe(0);
    });

    it('renews the token at about two thirds of its TTL while the max TTL allows it', async () => {
      const seed = e2eSeed();
      Object.assign(seed.identities[0], { accessTokenTTL: 1.5, accessTokenMaxTTL: 60 }); // renewal due after ~1 s
      harness = await E2eHarness.start(seed);
      const { secrets } = await boot({ refresh: { ttlMs: 600_000 } });
      const expiresAtBoot = Date.parse(secrets.status().tokenExpiresAt!);
      await eventually(() => harness.server.requestCount('renew') >= 1);
      await eventually(() => Date.parse(secrets.status().tokenExpiresAt!) > expiresAtBoot);
      expect(harness.server.requestCount('login')).toBe(1);
      expect(await secrets.refresh()).toEqual({ status: 'unchanged' });
    });

    it('a revoked token (401) leads to one new login and the refresh succeeds', async () => {
      harness = await E2eHarness.start();
      const { secrets } = await boot();
      harness.server.revokeTokens();
      expect(await secrets.refresh()).toEqual({ status: 'unchanged' });
      expect(harness.server.requestCount('login')).toBe(2);
    });

    it('an expired JWT (403 "token has expired") also leads to a new login', async () => {
      let offsetMs = 0;
      const seed = e2eSeed();
      Object.assign(seed.identities[0], { accessTokenTTL: 100, accessTokenMaxTTL: 100 });
      harness = await E2eHarness.start(seed, { now: () => Date.now() + offsetMs });
      const { secrets } = await boot();
      offsetMs = 200_000; // the server's clock jumps past the token's max TTL; the client's does not
      expect(await secrets.refresh()).toEqual({ status: 'unchanged' });
      expect(harness.server.requestCount('login')).toBe(2);
    });

    it('failed logins are spaced out: a second refresh right after does not log in again', async () => {
      harness = await E2eHarness.start();
      const { secrets } = await boot();
      harness.server.revokeTokens();
      harness.server.injectFault('login', { kind: 'status', status: 401 });
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: expect.stringContaining('HTTP 401') });
      const logins = harness.server.requestCount('login');
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: expect.stringContaining('HTTP 401') });
      expect(harness.server.requestCount('login')).toBe(logins);
      expect(harness.server.isLockedOut('identity-e2e')).toBe(false);
    });
  });
});
