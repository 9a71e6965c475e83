import { InfisicalConfigModule, InfisicalConfigService, type InfisicalConfigModuleOptions } from 'nestjs-infisical-config';
import { E2eHarness } from './support/boot.js';
import { CANARY, DB_PASSWORD, PROJECT_ID } from './support/seed.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('every request under the module’s control (e2e, local Infisical over HTTP)', () => {
  let harness: E2eHarness;

  afterEach(async () => {
    await harness.close();
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  async function boot(overrides: Partial<InfisicalConfigModuleOptions> = {}) {
    const app = await harness.boot([InfisicalConfigModule.forRoot(harness.options({ refresh: { enabled: false }, ...overrides }))]);
    return app.get(InfisicalConfigService);
  }

  describe('conditional fetch', () => {
    it('an unchanged refresh sends the last ETag and takes the 304 as unchanged, without a download', async () => {
      harness = await E2eHarness.start();
      const secrets = await boot();
      expect(await secrets.refresh()).toEqual({ status: 'unchanged' });
      expect(harness.server.replyCount('listSecrets', 304)).toBe(1);
      expect(secrets.status().ageMs).toBeLessThan(5_000); // the values count as fresh again

      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(secrets.get('DB_PASSWORD')).toBe(`rotated-${CANARY}`);
      expect(harness.server.replyCount('listSecrets', 200)).toBe(2);
    });

    it('a server that sends no ETag gets full requests and still works', async () => {
      harness = await E2eHarness.start(undefined, { etags: false });
      const secrets = await boot();
      expect(await secrets.refresh()).toEqual({ status: 'unchanged' });
      harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
      expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
      expect(harness.server.replyCount('listSecrets', 304)).toBe(0);
      expect(harness.server.replyCount('listSecrets', 200)).toBe(3);
    });
  });

  it('under a steady 429 with retry-after, at most one list call per retry-after window, no hidden retries', async () => {
    harness = await E2eHarness.start();
    await boot({ refresh: { ttlMs: 200, refreshAt: 0.5, jitter: 0, retryBaseMs: 10, retryMaxMs: 50 } });
    harness.server.resetRequestCounts();
    harness.server.injectFault('listSecrets', { kind: 'status', status: 429, retryAfterSeconds: 1 });
    await sleep(3_500);
    // One call at ~100 ms, then one per second: 4 at most, where the SDK's retries made 5 per attempt.
    expect(harness.server.requestCount('listSecrets')).toBeGreaterThanOrEqual(2);
    expect(harness.server.requestCount('listSecrets')).toBeLessThanOrEqual(4);
  });

  it('a black-holed refresh is cut at its deadline and leaves no request open', async () => {
    harness = await E2eHarness.start();
    const secrets = await boot({ refresh: { enabled: false, timeoutMs: 300 } });
    const before = harness.server.openConnections();
    harness.server.injectFault('listSecrets', { kind: 'blackhole' });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(await secrets.refresh()).toEqual({ status: 'failed', reason: 'no answer within 300 ms (refresh.timeoutMs)' });
    }
    await sleep(200); // let the aborted sockets close
    expect(harness.server.openConnections()).toBeLessThanOrEqual(before);
    expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD);
  });
});
