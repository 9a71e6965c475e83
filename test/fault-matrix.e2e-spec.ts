import { ConfigService } from '@nestjs/config';
import { InfisicalConfigModule, InfisicalConfigService, type InfisicalConfigModuleOptions } from 'nestjs-infisical-config';
import type { LocalInfisicalFault, LocalInfisicalRoute } from 'nestjs-infisical-config/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptedFileCache } from '../libs/infisical-config/src/cache/encrypted-file.cache.js';
import { E2eHarness } from './support/boot.js';
import { CANARY, DB_PASSWORD, PROJECT_ID } from './support/seed.js';

const DEADLINE_MS = 800;
const MARGIN_MS = 4_000; // generous: the machines are shared

/** Faults where nothing answers in time: the deadline is what the test is about. */
const deadlineBound = (fault: LocalInfisicalFault) => fault.kind === 'blackhole' || fault.kind === 'latency';

describe('fault matrix: Infisical down, slow or wrong (e2e)', () => {
  let harness: E2eHarness;
  let dir: string;
  let cacheKey: string;

  beforeEach(async () => {
    harness = await E2eHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'infisical-faults-'));
    cacheKey = randomBytes(32).toString('base64');
  });

  afterEach(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
    // No value in any log line, whatever failed.
    expect(harness.logs.text()).not.toContain(CANARY);
    expect(harness.logs.text()).not.toContain(cacheKey);
  });

  const cachePath = () => join(dir, 'cache', 'secrets.enc');
  const dotenvPath = () => join(dir, '.env');

  function options(overrides: Partial<InfisicalConfigModuleOptions> = {}): InfisicalConfigModuleOptions {
    return harness.options({
      startupTimeoutMs: DEADLINE_MS,
      refresh: { enabled: false, timeoutMs: DEADLINE_MS },
      fileCache: { key: cacheKey, path: cachePath() },
      dotenvFallback: { enabled: true, paths: [dotenvPath()] },
      ...overrides,
    });
  }

  async function boot(overrides: Partial<InfisicalConfigModuleOptions> = {}) {
    const started = Date.now();
    const app = await harness.boot([InfisicalConfigModule.forRoot(options(overrides))]);
    return { app, ms: Date.now() - started, secrets: app.get(InfisicalConfigService), config: app.get(ConfigService) };
  }

  /**
   * A healthy boot writes the cache; the app is closed again. It runs with the default deadlines, never the
   * fault's short one: a busy machine must not turn this set-up step into a fallback.
   */
  async function writeCacheThroughAHealthyBoot() {
    const { app } = await boot({ startupTimeoutMs: 10_000, refresh: { enabled: false } });
    await app.close();
    harness.server.resetRequestCounts();
  }

  function expectServedFrom(secrets: InfisicalConfigService, source: 'file-cache' | 'dotenv') {
    const status = secrets.status();
    expect(status).toEqual(expect.objectContaining({ source, fallback: true }));
    expect(JSON.stringify(status)).not.toContain(CANARY);
  }

  describe('at boot, with a file cache from an earlier boot: the app serves the cache within the deadline', () => {
    const rows: Array<[string, LocalInfisicalRoute, LocalInfisicalFault, RegExp]> = [
      ['black-hole', 'login', { kind: 'blackhole' }, /no answer within 800 ms/],
      ['slow responses past the deadline', 'listSecrets', { kind: 'latency', ms: 3_000 }, /no answer within 800 ms/],
      ['500', 'listSecrets', { kind: 'status', status: 500 }, /HTTP 500/],
      ['503', 'listSecrets', { kind: 'status', status: 503 }, /HTTP 503/],
      ['429 on login (retry-after honoured, no burst)', 'login', { kind: 'status', status: 429, retryAfterSeconds: 30 }, /HTTP 429/],
      ['429 on list (reported at once, no hidden retries)', 'listSecrets', { kind: 'status', status: 429 }, /HTTP 429/],
      ['401 on login (wrong secret)', 'login', { kind: 'status', status: 401 }, /HTTP 401/],
      ['401 on list (revoked token)', 'listSecrets', { kind: 'status', status: 401 }, /HTTP 401/],
      ['403 (no access)', 'listSecrets', { kind: 'status', status: 403 }, /HTTP 403/],
      ['404 (unknown environment)', 'listSecrets', { kind: 'status', status: 404 }, /HTTP 404/],
      ['malformed JSON', 'listSecrets', { kind: 'malformed' }, /not an Infisical secrets list/],
      ['dropped connection mid-response', 'listSecrets', { kind: 'drop' }, /could not be reached|terminated/],
    ];

    it.each(rows)('%s', async (_name, route, fault, reason) => {
      await writeCacheThroughAHealthyBoot();
      harness.server.injectFault(route, fault);
      // The short deadline is the feature only where nothing answers in time; a fast failure falls back at
      // once, and a busy machine must not turn it into a deadline.
      const { ms, secrets, config } = await boot(deadlineBound(fault) ? {} : { startupTimeoutMs: 10_000 });
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
      expectServedFrom(secrets, 'file-cache');
      expect(config.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(process.env.DB_PASSWORD).toBe(DB_PASSWORD);
      const warning = harness.logs.lines.find((line) => line.includes('Infisical unavailable'));
      expect(warning).toMatch(reason);
      expect(warning).toContain('Serving 6 secrets from the file cache');
      if (route === 'login' && fault.kind === 'status' && fault.status === 429) expect(harness.server.requestCount('login')).toBe(1);
    });

    it('connection refused falls back far sooner than the deadline', async () => {
      await writeCacheThroughAHealthyBoot();
      await harness.server.close(); // same URL, nothing listening: the cache binding still matches
      const { ms, secrets } = await boot({ startupTimeoutMs: 10_000 });
      expect(ms).toBeLessThan(2_000);
      expectServedFrom(secrets, 'file-cache');
      expect(harness.logs.text()).toMatch(/Infisical unavailable \(the server could not be reached \((ECONNREFUSED|UND_ERR_SOCKET)\)\)/);
    });
  });

  describe('at boot, with a cache that cannot be used: it is refused with a reason and the chain moves on', () => {
    async function bootOnDotenvWithBrokenCache(breakCache: () => void, reason: RegExp) {
      await writeCacheThroughAHealthyBoot();
      breakCache();
      writeFileSync(dotenvPath(), `DB_PASSWORD=from-dotenv-${CANARY}\n`);
      harness.server.injectFault('login', { kind: 'status', status: 503 });
      const { secrets, config } = await boot();
      expectServedFrom(secrets, 'dotenv');
      expect(config.get('DB_PASSWORD')).toBe(`from-dotenv-${CANARY}`);
      expect(harness.logs.lines.find((line) => line.includes('Fallback file cache not usable'))).toMatch(reason);
    }

    it('corrupt (not a cache file)', () =>
      bootOnDotenvWithBrokenCache(() => writeFileSync(cachePath(), 'hello, I am not a cache'), /not a secrets cache file/));
    it('truncated', () =>
      bootOnDotenvWithBrokenCache(() => writeFileSync(cachePath(), readFileSync(cachePath(), 'utf8').slice(0, 60)), /corrupt|truncated|not a secrets cache/));
    it('tampered', () =>
      bootOnDotenvWithBrokenCache(() => {
        const envelope = JSON.parse(readFileSync(cachePath(), 'utf8'));
        envelope.data = Buffer.from(Buffer.from(envelope.data, 'base64').map((byte: number) => byte ^ 1)).toString('base64');
        writeFileSync(cachePath(), JSON.stringify(envelope));
      }, /authenticat/));
    it('wrong key', async () => {
      await bootOnDotenvWithBrokenCache(() => (cacheKey = randomBytes(32).toString('base64')), /authenticat/);
    });
    it('another project', () =>
      bootOnDotenvWithBrokenCache(async () => undefined, /./).catch(() => undefined).then(async () => {
        // Written directly for another project: the binding does not match.
        const foreign = new EncryptedFileCache({
          filePath: cachePath(),
          key: Buffer.from(cacheKey, 'base64'),
          binding: { siteUrl: harness.server.url, projectId: 'another-project', scopes: [{ environment: 'dev', secretPath: '/', recursive: false, includeImports: true }] },
          maxAgeMs: 60_000,
        });
        await foreign.write({ DB_PASSWORD: `foreign-${CANARY}` });
        harness.logs.lines.length = 0;
        const { secrets, config } = await boot();
        expectServedFrom(secrets, 'dotenv');
        expect(config.get('DB_PASSWORD')).toBe(`from-dotenv-${CANARY}`);
        expect(harness.logs.text()).toMatch(/Fallback file cache not usable: .*(another|different|bound)/i);
      }));
  });

  it('an unwritable cache directory: boot succeeds from Infisical and warns once', async () => {
    writeFileSync(join(dir, 'blocker'), 'a file where a directory should be');
    const { secrets } = await boot({ fileCache: { key: cacheKey, path: join(dir, 'blocker', 'secrets.enc') } });
    expect(secrets.status().source).toBe('infisical');
    expect(harness.logs.text()).toMatch(/Could not write the secrets file cache: .*ENOTDIR/);
  });

  it('the cache file is 0600 in a 0700 directory', async () => {
    await writeCacheThroughAHealthyBoot();
    expect(statSync(cachePath()).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);
    expect(readFileSync(cachePath(), 'utf8')).not.toContain(CANARY);
  });

  it('a missing .env file with Infisical down and no cache: boot fails naming every attempt', async () => {
    harness.server.injectFault('login', { kind: 'status', status: 503 });
    const error = await harness.bootError([InfisicalConfigModule.forRoot(options())]);
    expect(error.message).toContain('no secrets to serve');
    expect(error.message).toMatch(/Infisical: .*HTTP 503/);
    expect(error.message).toContain('file cache: There is no secrets cache file');
    expect(error.message).toMatch(/\.env files: none of .*\.env exists/);
    expect(error.message).not.toContain(CANARY);
  });

  it('in production, with Infisical down and no cache, boot fails fast and says what to configure; .env is not used', async () => {
    process.env.NODE_ENV = 'production';
    writeFileSync(dotenvPath(), `DB_PASSWORD=from-dotenv-${CANARY}\n`);
    harness.server.injectFault('login', { kind: 'blackhole' });
    const started = Date.now();
    const error = await harness.bootError([
      InfisicalConfigModule.forRoot({ ...options(), dotenvFallback: { paths: [dotenvPath()] }, fileCache: undefined }),
    ]);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(error.message).toContain('.env files: off in production');
    expect(error.message).toContain('fileCache.key (INFISICAL_CACHE_KEY)');
    expect(error.message).toContain('dotenvFallback.enabled: true');
  });

  describe('during refresh: every failure keeps the last good values and is reported', () => {
    const rows: Array<[string, LocalInfisicalRoute, LocalInfisicalFault, RegExp]> = [
      ['black-hole', 'listSecrets', { kind: 'blackhole' }, /no answer within 800 ms/],
      ['500', 'listSecrets', { kind: 'status', status: 500 }, /HTTP 500/],
      ['503', 'listSecrets', { kind: 'status', status: 503 }, /HTTP 503/],
      ['401 (token revoked, login refused)', 'login', { kind: 'status', status: 401 }, /HTTP 401/],
      ['403', 'listSecrets', { kind: 'status', status: 403 }, /HTTP 403/],
      ['404', 'listSecrets', { kind: 'status', status: 404 }, /HTTP 404/],
      ['malformed JSON', 'listSecrets', { kind: 'malformed' }, /not an Infisical secrets list/],
      ['dropped connection', 'listSecrets', { kind: 'drop' }, /could not be reached|terminated/],
    ];

    it.each(rows)('%s', async (_name, route, fault, reason) => {
      // A healthy boot, not under the fault's deadline; the refresh's short deadline only where it is the point.
      const refresh = { enabled: false, timeoutMs: deadlineBound(fault) ? DEADLINE_MS : 10_000 };
      const { secrets, config } = await boot({ startupTimeoutMs: 10_000, refresh });
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
      if (route === 'login') harness.server.revokeTokens();
      harness.server.injectFault(route, fault);
      const outcome = await secrets.refresh();
      expect(outcome).toEqual({ status: 'failed', reason: expect.stringMatching(reason) });
      expect(config.get('DB_PASSWORD')).toBe(DB_PASSWORD);
      const status = secrets.status();
      expect(status).toEqual(expect.objectContaining({ source: 'infisical', consecutiveFailures: 1 }));
      expect(status.lastError?.reason).toMatch(reason);
      expect(JSON.stringify(status)).not.toContain(CANARY);
      expect(harness.logs.text()).toMatch(/Refresh from Infisical failed after \d+ ms \(1 in a row\)/);
    });

    it('429: the next scheduled attempt waits what the server asked for', async () => {
      const { secrets } = await boot({ refresh: { ttlMs: 60_000, retryBaseMs: 10, retryMaxMs: 20, timeoutMs: 20_000 } });
      harness.server.revokeTokens();
      harness.server.injectFault('login', { kind: 'status', status: 429, retryAfterSeconds: 42 });
      await secrets.refresh();
      expect(secrets.status().lastError).toEqual(expect.objectContaining({ status: 429 }));
      // Nothing is retried in a burst: the login is spaced by at least the server's retry-after.
      await secrets.refresh();
      expect(harness.server.requestCount('login')).toBe(2); // boot + one attempt
    });
  });

  it('recovery on its own: booted on the cache, the first retry comes on the backoff, not after a full TTL', async () => {
    await writeCacheThroughAHealthyBoot();
    harness.server.injectFault('login', { kind: 'blackhole', times: 1 });
    const { secrets } = await boot({ refresh: { ttlMs: 600_000, retryBaseMs: 100, retryMaxMs: 200, timeoutMs: DEADLINE_MS } });
    expectServedFrom(secrets, 'file-cache');
    const deadline = Date.now() + 3_000;
    while (secrets.status().source !== 'infisical' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secrets.status()).toEqual(expect.objectContaining({ source: 'infisical', fallback: false, consecutiveFailures: 0 }));
  });

  it('recovery: an app that booted on the file cache switches to live values and emits what differs', async () => {
    await writeCacheThroughAHealthyBoot();
    harness.server.injectFault('login', { kind: 'blackhole' });
    const { secrets, config } = await boot();
    expectServedFrom(secrets, 'file-cache');
    harness.server.clearFaults();
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    const changes: string[][] = [];
    secrets.changes$.subscribe((change) => changes.push([...change.changed]));
    expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
    expect(secrets.status()).toEqual(expect.objectContaining({ source: 'infisical', fallback: false }));
    expect(config.get('DB_PASSWORD')).toBe(`rotated-${CANARY}`);
    expect(changes).toEqual([['DB_PASSWORD', 'DB_URL']]);
    expect(harness.logs.text()).toContain('Infisical is reachable again: switched from the file cache to live values');
  });
});
