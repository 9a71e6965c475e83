import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { InfisicalConfigModule, InfisicalWebhookModule, InfisicalWebhookReceiver } from 'nestjs-infisical-config';
import type { LocalInfisicalSeed } from 'nestjs-infisical-config/testing';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { E2eHarness } from './support/boot.js';
import { eventually, sleep } from './support/eventually.js';
import { addCanary } from './support/leak-scanner.js';
import { CANARY, PROJECT_ID, e2eSeed } from './support/seed.js';

const ROTATED = `rotated-${CANARY}`;
const KEY = `whsec-${CANARY}`;
const OTHER_KEY = `whsec-other-${CANARY}`;
const PATH = 'webhooks/infisical';
const MIN_INTERVAL_MS = 1_000;

/** The webhook's key lives in Infisical itself, so forRootAsync can read it from ConfigService. */
function webhookSeed(): LocalInfisicalSeed {
  const seed = e2eSeed();
  seed.projects[PROJECT_ID].environments.dev['/'].secrets!.INFISICAL_WEBHOOK_SECRET = KEY;
  seed.projects[PROJECT_ID].environments.server['/api'] = { secrets: { API_ONLY: 'api' } };
  return seed;
}

interface Delivery {
  event?: string;
  environment?: string;
  secretPath?: string;
  workspaceId?: string;
  /** the body's timestamp (and the signature's t); now by default */
  at?: number;
}

const bodyOf = ({ event = 'secrets.modified', environment = 'dev', secretPath = '/', workspaceId = PROJECT_ID, at = Date.now() }: Delivery = {}) =>
  JSON.stringify({ event, project: { workspaceId, environment, secretPath }, timestamp: at });

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
/** Infisical's project webhooks: `t=<ms>;<hex>`, hex over the body only. */
const projectSignature = (key: string, body: string, t: number) => `t=${t};${hmac(key, body)}`;
/** Newer servers' event webhooks: `t=<ms>,v1=<hex>`, hex over `<t>.<body>`. */
const v1Signature = (key: string, body: string, t: number) => `t=${t},v1=${hmac(key, `${t}.${body}`)}`;

interface Reply {
  status: number;
  body: string;
}

describe('InfisicalWebhookModule (e2e, a real Nest app on 127.0.0.1 and the local Infisical)', () => {
  let harness: E2eHarness;
  let apps: INestApplication[] = [];

  beforeAll(() => {
    addCanary('webhook key', KEY);
    addCanary('other webhook key', OTHER_KEY);
  });
  beforeEach(async () => {
    harness = await E2eHarness.start(webhookSeed(), { webhookDelayMs: 50 });
  });
  afterEach(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await harness.close();
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  /**
   * Boots like an app's main.ts: NestFactory-equivalent with `rawBody: true` (unless told otherwise),
   * listening on an ephemeral port of 127.0.0.1. The scheduled refresh is off: only the webhook refreshes.
   */
  async function boot(webhook: DynamicModule, { rawBody = true, scopes }: { rawBody?: boolean; scopes?: { environment: string; secretPath?: string; recursive?: boolean }[] } = {}) {
    const imports: Array<Type | DynamicModule> = [
      InfisicalConfigModule.forRoot(harness.options({ refresh: { enabled: false }, ...(scopes ? { scopes } : {}) })),
      webhook,
    ];
    const moduleRef = await Test.createTestingModule({ imports }).setLogger(harness.logs).compile();
    const app = moduleRef.createNestApplication({ logger: harness.logs, rawBody });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/${PATH}`;
    const post = (body: string, headers: Record<string, string> = {}): Promise<Reply> =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (response) => ({
        status: response.status,
        body: await response.text(),
      }));
    const signed = (delivery: Delivery = {}, key = KEY, sign = projectSignature) => {
      const at = delivery.at ?? Date.now();
      const body = bodyOf({ ...delivery, at });
      return post(body, { 'x-infisical-signature': sign(key, body, at) });
    };
    return { app, url, post, signed, config: app.get(ConfigService) };
  }

  /** The usual registration: the key comes from ConfigService (here: from Infisical itself). */
  const fromConfig = (extra: Record<string, unknown> = {}) =>
    InfisicalWebhookModule.forRootAsync({
      path: PATH,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ secret: config.get<string>('INFISICAL_WEBHOOK_SECRET'), minIntervalMs: MIN_INTERVAL_MS, ...extra }),
    });

  const refreshes = () => harness.server.requestCount('listSecrets');
  /** Lets any refresh a call may have planned start (and finish) before counting. */
  const settle = () => sleep(MIN_INTERVAL_MS + 300);

  it('a secret rotated in Infisical reaches ConfigService through the webhook, with one refresh', async () => {
    const { url, config } = await boot(fromConfig());
    const id = harness.server.addWebhook({ projectId: PROJECT_ID, environment: 'dev', secretPath: '/', url, secretKey: KEY });
    harness.server.resetRequestCounts();

    const rotatedAt = Date.now();
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
    await eventually(() => config.get('DB_PASSWORD') === ROTATED, 5_000);
    expect(Date.now() - rotatedAt).toBeLessThan(3_000); // 50 ms delivery delay + one refresh; no schedule runs
    expect(harness.server.webhookDeliveries(id)).toEqual([expect.objectContaining({ event: 'secrets.modified', status: 202 })]);
    await settle();
    expect(refreshes()).toBe(1);
    expect(harness.logs.text()).toContain('Infisical webhook: secrets.modified in dev:/; refreshing');
  });

  it('the v1 signature format works too', async () => {
    const { url, config } = await boot(fromConfig());
    const id = harness.server.addWebhook({ projectId: PROJECT_ID, environment: 'dev', secretPath: '/**', url, secretKey: KEY, signatureFormat: 'v1' });
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
    await eventually(() => config.get('DB_PASSWORD') === ROTATED, 5_000);
    expect(harness.server.webhookDeliveries(id)).toEqual([expect.objectContaining({ status: 202 })]);
  });

  it("the 'test' event is acknowledged (202) and refreshes nothing", async () => {
    const { url } = await boot(fromConfig());
    const id = harness.server.addWebhook({ projectId: PROJECT_ID, environment: 'dev', secretPath: '/', url, secretKey: KEY });
    harness.server.resetRequestCounts();
    expect(await harness.server.testWebhook(id)).toEqual(expect.objectContaining({ event: 'test', status: 202 }));
    await settle();
    expect(refreshes()).toBe(0);
  });

  it('forged, stale, replayed, unsigned and re-stamped deliveries are refused with 401 and never refresh; a valid one refreshes once', async () => {
    const { post, signed, app } = await boot(fromConfig());
    harness.server.resetRequestCounts();
    const refused = { status: 401, body: 'invalid signature' };
    const body = bodyOf();

    expect(await post(body)).toEqual(refused); // unsigned
    expect(await signed({}, OTHER_KEY)).toEqual(refused); // forged: another key
    expect(await signed({}, OTHER_KEY, v1Signature)).toEqual(refused);
    const stale = Date.now() - 6 * 60_000;
    expect(await signed({ at: stale })).toEqual(refused); // outside the 5-minute window
    expect(await signed({ at: stale }, KEY, v1Signature)).toEqual(refused);
    // A captured old delivery with a fresh t: the project format does not sign t, but the body's timestamp is.
    const oldBody = bodyOf({ at: stale });
    expect(await post(oldBody, { 'x-infisical-signature': `t=${Date.now()};${hmac(KEY, oldBody)}` })).toEqual(refused);
    const signature = projectSignature(KEY, body, JSON.parse(body).timestamp);
    expect(await post(body, { 'x-infisical-signature': signature.slice(0, -2) })).toEqual(refused); // truncated
    expect(await post(`${body} `, { 'x-infisical-signature': signature })).toEqual(refused); // altered body
    await settle();
    expect(refreshes()).toBe(0);

    expect(await post(body, { 'x-infisical-signature': signature })).toEqual({ status: 202, body: 'accepted' });
    expect(await post(body, { 'x-infisical-signature': signature })).toEqual(refused); // replay
    expect(await post(body, { 'x-infisical-signature': signature.toUpperCase().replace('T=', 't=') })).toEqual(refused); // replay, other hex case
    await settle();
    expect(refreshes()).toBe(1);
    expect(app.get(InfisicalWebhookReceiver).refreshesStarted).toBe(1);

    const warnings = harness.logs.lines.filter((line) => line.startsWith('warn') && line.includes('Infisical webhook refused'));
    expect(warnings.join('\n')).toMatch(/missing signature/);
    expect(warnings.join('\n')).toMatch(/bad signature/);
    expect(warnings.join('\n')).toMatch(/stale timestamp/);
    expect(warnings.join('\n')).toMatch(/replay/);
    expect(harness.logs.text()).not.toContain(signature.slice(-64)); // never a signature
    expect(harness.logs.text()).not.toContain('"timestamp"'); // never a body
  });

  it('a flood of 20 valid deliveries drives at most 2 refreshes within one minIntervalMs', async () => {
    const { signed } = await boot(fromConfig());
    harness.server.resetRequestCounts();
    const start = Date.now();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => signed({ at: start - i }, KEY, i % 2 === 0 ? projectSignature : v1Signature)));
    expect(replies.every((reply) => reply.status === 202)).toBe(true);
    await sleep(Math.max(0, start + MIN_INTERVAL_MS - 50 - Date.now()));
    expect(refreshes()).toBeLessThanOrEqual(2);
    await sleep(MIN_INTERVAL_MS * 2);
    expect(refreshes()).toBeGreaterThanOrEqual(1);
    expect(refreshes()).toBeLessThanOrEqual(2); // the refresh plus one follow-up, whatever the timing
  });

  it("ignores (202) other projects, other environments and folders outside the module's scopes; a sub-folder of a recursive scope refreshes", async () => {
    const { signed } = await boot(fromConfig(), { scopes: [{ environment: 'dev' }, { environment: 'server', secretPath: '/api', recursive: true }] });
    harness.server.resetRequestCounts();
    const ignored = [
      { workspaceId: 'another-project' },
      { environment: 'staging' },
      { secretPath: '/nested' }, // dev's scope is not recursive
      { environment: 'server', secretPath: '/' },
      { environment: 'server', secretPath: '/apiary' },
      { event: 'secrets.rotation-failed' },
    ];
    for (const delivery of ignored) expect(await signed(delivery)).toEqual({ status: 202, body: 'accepted' });
    await settle();
    expect(refreshes()).toBe(0);

    expect(await signed({ environment: 'server', secretPath: '/api/v2/' })).toEqual({ status: 202, body: 'accepted' });
    await eventually(() => refreshes() === 2); // one refresh, one list request per scope
  });

  it('refuses bodies over maxBodyBytes with 413, declared or chunked, and bodies over the parser limit too', async () => {
    const { url, post } = await boot(fromConfig());
    harness.server.resetRequestCounts();
    const big = JSON.stringify({ event: 'secrets.modified', padding: 'x'.repeat(70 * 1024) });
    expect(await post(big, { 'x-infisical-signature': projectSignature(KEY, big, Date.now()) })).toEqual({ status: 413, body: 'payload too large' });

    // No content-length: read by the parser (under its 100 KiB), then measured and refused by the receiver.
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.write(big.slice(0, 40_000));
      outgoing.end(big.slice(40_000));
    });
    expect(chunked).toEqual({ status: 413, body: 'payload too large' });

    // Over Express's own JSON limit (100 KiB): the body parser refuses it before the route runs.
    const huge = JSON.stringify({ padding: 'x'.repeat(200 * 1024) });
    expect(await post(huge)).toEqual({ status: 413, body: JSON.stringify({ statusCode: 413, message: 'request entity too large' }) });
    await settle();
    expect(refreshes()).toBe(0);
  });

  it('with no secret configured, warns at boot naming the option and refuses every call', async () => {
    const { url, signed } = await boot(InfisicalWebhookModule.forRoot({ path: PATH }));
    expect(harness.logs.text()).toMatch(/warn InfisicalWebhookModule: no secret configured \(option "secret"\): every call to POST \/webhooks\/infisical is refused/);
    const id = harness.server.addWebhook({ projectId: PROJECT_ID, environment: 'dev', secretPath: '/', url, secretKey: KEY });
    harness.server.resetRequestCounts();
    expect(await signed()).toEqual({ status: 401, body: 'invalid signature' });
    expect(await harness.server.testWebhook(id)).toEqual(expect.objectContaining({ status: 401 }));
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', ROTATED);
    await eventually(() => harness.server.webhookDeliveries(id).length === 2);
    expect(harness.server.webhookDeliveries(id)[1]).toEqual(expect.objectContaining({ event: 'secrets.modified', status: 401 }));
    await settle();
    expect(refreshes()).toBe(0);
    expect(harness.logs.text()).toContain('Infisical webhook refused: no secret configured');
  });

  it('without rawBody: true, refuses (401, never a 500) and says how to fix it', async () => {
    const { signed } = await boot(InfisicalWebhookModule.forRoot({ path: `/${PATH}/`, secret: KEY }), { rawBody: false });
    harness.server.resetRequestCounts();
    expect(await signed()).toEqual({ status: 401, body: 'invalid signature' });
    expect(await signed()).toEqual({ status: 401, body: 'invalid signature' });
    expect(harness.logs.lines.filter((line) => line.includes('NestFactory.create(AppModule, { rawBody: true })'))).toHaveLength(1);
    await settle();
    expect(refreshes()).toBe(0);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const { url } = await boot(InfisicalWebhookModule.forRoot({ path: PATH, secret: KEY }));
    const body = 'event=secrets.modified';
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-infisical-signature': projectSignature(KEY, body, Date.now()) }, body });
    expect(response.status).toBe(415);
    expect(await response.text()).toBe('unsupported media type');
  });

  it('invalid options fail the boot, listing every problem without the secret', async () => {
    const error = await boot(InfisicalWebhookModule.forRoot({ path: 'hooks/:id', secret: KEY, toleranceMs: -1, maxBodyBytes: 1.5 })).then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(error?.message).toBe(
      'Invalid InfisicalWebhookModule options (3 problems):\n' +
        "  - path must be a route such as 'webhooks/infisical' (letters, digits and -._~/ only)\n" +
        '  - toleranceMs must be an integer of at least 1\n' +
        '  - maxBodyBytes must be an integer of at least 1',
    );
  });
});
