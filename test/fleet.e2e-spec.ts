import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { InfisicalConfigModule, InfisicalConfigService, InfisicalWebhookModule, type InfisicalConfigModuleOptions } from 'nestjs-infisical-config';
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { E2eHarness } from './support/boot.js';
import { eventually, sleep } from './support/eventually.js';
import { LocalRedis, redisServerInstalled } from './support/redis.server.js';
import { CANARY, DB_PASSWORD, PROJECT_ID } from './support/seed.js';

// Fleet tests need a real redis-server: `.ci/run` installs it (CI=true makes its absence a failure);
// on a machine without it they are skipped with this note.
const runFleet = redisServerInstalled() || process.env.CI === 'true';
if (!runFleet) process.stderr.write('fleet e2e skipped: redis-server is not installed (apt-get install redis-server)\n');

(runFleet ? describe : describe.skip)('fleet mode over Redis (e2e, real Redis, local Infisical over HTTP)', () => {
  let harness: E2eHarness;
  let redis: LocalRedis;
  let fleetKey: string;
  let messages: string[];
  let listener: Redis;
  /** Apps booted outside the harness (with rawBody, listening), closed after each test. */
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    harness = await E2eHarness.start();
    redis = await LocalRedis.start();
    fleetKey = randomBytes(32).toString('base64');
    // Everything published on any channel, to scan for plaintext.
    messages = [];
    listener = new Redis(redis.port, '127.0.0.1', { retryStrategy: () => 200, maxRetriesPerRequest: 0 });
    listener.on('error', () => undefined);
    listener.on('pmessage', (_pattern, channel, message) => messages.push(`${channel} ${message}`));
    await listener.psubscribe('*');
  });

  afterEach(async () => {
    listener.disconnect();
    for (const app of apps.splice(0)) await app.close();
    await harness.close();
    await redis.kill();
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  const options = (overrides: Partial<InfisicalConfigModuleOptions> = {}): InfisicalConfigModuleOptions =>
    harness.options({ fleet: { redis: redis.url, key: fleetKey, leaseMs: 1_000 }, refresh: { ttlMs: 600_000 }, ...overrides });
  const boot = (overrides: Partial<InfisicalConfigModuleOptions> = {}) => harness.boot([InfisicalConfigModule.forRoot(options(overrides))]);
  const service = (app: INestApplication) => app.get(InfisicalConfigService);
  const roleOf = (app: INestApplication) => service(app).status().fleet?.role;

  /** Boots a first replica and waits until it leads and has published. */
  async function bootLeader(): Promise<INestApplication> {
    const app = await boot();
    await eventually(() => roleOf(app) === 'leader' && service(app).status().fleet?.version !== null);
    return app;
  }

  it('elects one leader; later replicas boot from the fleet snapshot without calling Infisical', async () => {
    const leader = await bootLeader();
    const listsAfterLeader = harness.server.requestCount('listSecrets');
    const followers = [await boot(), await boot()];
    expect(harness.server.requestCount('listSecrets')).toBe(listsAfterLeader); // no Infisical call at their boot
    expect(harness.server.requestCount('login')).toBe(1);
    await eventually(() => followers.every((app) => roleOf(app) === 'follower'));
    for (const app of [leader, ...followers]) {
      expect(app.get(ConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
      expect(service(app).status().fleet).toEqual(expect.objectContaining({ redis: 'up', fingerprintMatches: true }));
    }
  });

  it('a refresh asked on a follower is fetched once by the leader and reaches every replica', async () => {
    const leader = await bootLeader();
    const followers = [await boot(), await boot()];
    await eventually(() => followers.every((app) => roleOf(app) === 'follower'));
    const listsBefore = harness.server.requestCount('listSecrets');
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);

    await service(followers[0]).refresh(); // a webhook on a follower does this
    await eventually(() => [leader, ...followers].every((app) => app.get(ConfigService).get('DB_PASSWORD') === `rotated-${CANARY}`), 5_000);
    expect(harness.server.requestCount('listSecrets') - listsBefore).toBe(1);
    for (const app of followers) expect(process.env.DB_PASSWORD).toBe(`rotated-${CANARY}`), expect(service(app).get('DB_PASSWORD')).toBe(`rotated-${CANARY}`);
  });

  it("Infisical's webhook received by a follower reaches every replica through the leader, with one list call", async () => {
    const webhookKey = `webhook-key-${CANARY}`;
    const bootWithWebhook = async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [InfisicalConfigModule.forRoot(options()), InfisicalWebhookModule.forRoot({ path: 'webhooks/infisical', secret: webhookKey })],
      })
        .setLogger(harness.logs)
        .compile();
      const app = moduleRef.createNestApplication({ logger: harness.logs, rawBody: true });
      apps.push(app);
      await app.listen(0, '127.0.0.1');
      return app;
    };
    const leader = await bootWithWebhook();
    await eventually(() => roleOf(leader) === 'leader' && service(leader).status().fleet?.version !== null);
    const followers = [await bootWithWebhook(), await bootWithWebhook()];
    await eventually(() => followers.every((app) => roleOf(app) === 'follower'));
    const listsBefore = harness.server.requestCount('listSecrets');
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);

    const timestamp = Date.now();
    const body = JSON.stringify({ event: 'secrets.modified', project: { workspaceId: PROJECT_ID, environment: 'dev', secretPath: '/' }, timestamp });
    const signature = `t=${timestamp};${createHmac('sha256', webhookKey).update(body).digest('hex')}`;
    const reply = await fetch(`${await followers[0].getUrl()}/webhooks/infisical`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-infisical-signature': signature },
      body,
    });
    expect(reply.status).toBe(202);
    await eventually(() => [leader, ...followers].every((app) => service(app).get('DB_PASSWORD') === `rotated-${CANARY}`), 5_000);
    expect(harness.server.requestCount('listSecrets') - listsBefore).toBe(1);
  });

  it('a leader that goes away is replaced, and the fleet keeps refreshing', async () => {
    const leader = await bootLeader();
    const follower = await boot();
    await eventually(() => roleOf(follower) === 'follower');
    await leader.close();
    await eventually(() => roleOf(follower) === 'leader', 5_000);
    // A new leader refreshes at once; a refresh() during it would join it and read the values before the change.
    await eventually(() => !service(follower).status().refreshing);
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    expect(await service(follower).refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
  });

  it('with Redis killed every replica keeps serving and refreshes on its own; when Redis is back the fleet forms again', async () => {
    const leader = await bootLeader();
    const follower = await boot();
    await eventually(() => roleOf(follower) === 'follower');
    await redis.kill();
    await eventually(() => roleOf(leader) === 'solo' && roleOf(follower) === 'solo', 5_000);
    expect(service(follower).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    expect(await service(follower).refresh()).toEqual(expect.objectContaining({ status: 'applied' })); // from Infisical itself
    expect(service(follower).status().fleet?.redis).toBe('down');

    await redis.restart();
    await eventually(() => [leader, follower].filter((app) => roleOf(app) === 'leader').length === 1 && [leader, follower].every((app) => roleOf(app) !== 'solo'), 8_000);
  });

  it('a tampered snapshot in Redis (or one sealed with another key) is refused: the follower fetches from Infisical instead', async () => {
    const leader = await bootLeader();
    const follower = await boot();
    await eventually(() => roleOf(follower) === 'follower');
    const client = new Redis(redis.port, '127.0.0.1');
    const [key] = await client.keys('*:snapshot');
    const stored = await client.hgetall(key);
    const envelope = JSON.parse(stored.sealed) as { data: string };
    envelope.data = Buffer.from(envelope.data, 'base64').reverse().toString('base64');
    await client.hset(key, 'sealed', JSON.stringify(envelope));
    client.disconnect();
    await eventually(() => !service(follower).status().refreshing); // a refresh in flight read the snapshot before

    const listsBefore = harness.server.requestCount('listSecrets');
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    expect(await service(follower).refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
    expect(harness.server.requestCount('listSecrets')).toBeGreaterThan(listsBefore);
    expect(harness.logs.text()).toContain('the fleet snapshot in Redis was refused (authentication-failed)');
    void leader;
  });

  it('puts no key name or value in any Redis key, value or message', async () => {
    const leader = await bootLeader();
    const follower = await boot();
    await eventually(() => roleOf(follower) === 'follower');
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    await service(leader).refresh();
    await sleep(200);
    const everything = `${await redis.dump()}\n${messages.join('\n')}`;
    for (const plaintext of [CANARY, 'DB_PASSWORD', 'API_KEY', PROJECT_ID, 'dev-db']) expect(everything).not.toContain(plaintext);
    expect(messages.length).toBeGreaterThan(0);
  });
});
