import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalSeedError } from './local-infisical-seed.error.js';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';
const DELAY_MS = 100;
const KEY = 'whsec-local-test-key';
/** a value no delivery may carry */
const SECRET_VALUE = 'webhook-canary-value-7f3a';

const seed = (): LocalInfisicalSeed => ({
  identities: [{ clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT] }],
  projects: {
    [PROJECT]: {
      environments: {
        dev: {
          '/': { secrets: { DB_USER: 'admin' }, imports: [{ environment: 'shared', secretPath: '/' }] },
          '/nested': { secrets: { NESTED_KEY: 'n' } },
          '/nested/deeper': { secrets: { DEEP_KEY: 'd' } },
        },
        shared: {
          '/': { secrets: { DB_HOST: 'db.internal' } },
          '/db/main': { secrets: { DB_NAME: 'main' } },
        },
        // imports dev '/', which imports shared '/': a change in shared reaches it through two imports
        staging: { '/': { imports: [{ environment: 'dev', secretPath: '/' }] } },
      },
    },
  },
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** the exact bytes sent, as a string */
  raw: string;
  body: { event: string; project: { workspaceId: string; environment: string; secretPath: string }; timestamp: number };
  at: number;
}

/** A tiny webhook receiver: records every POST, answers `status`, or holds the answer when `hold` is set. */
class Receiver {
  readonly received: Received[] = [];
  status = 200;
  hold = false;
  /** requests whose connection closed before they were answered */
  cutShort = 0;
  private readonly held: ServerResponse[] = [];
  private port = 0;

  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      this.received.push({ path: request.url ?? '', headers: request.headers, raw, body: JSON.parse(raw) as Received['body'], at: Date.now() });
      if (this.hold) {
        this.held.push(response);
        response.once('close', () => {
          if (!response.writableEnded) this.cutShort += 1;
        });
        return;
      }
      response.writeHead(this.status).end();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }

  close(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const hmacHex = (key: string, data: string): Buffer => Buffer.from(createHmac('sha256', key).update(data).digest('hex'), 'utf8');

/** The receiver's side of `t=<ms>;<hex>`: HMAC-SHA256 over the raw body, compared in constant time. */
function verifyProjectSignature(header: string | string[] | undefined, raw: string, key: string): { ok: boolean; t: number } {
  const match = typeof header === 'string' ? /^t=(\d+);([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return { ok: false, t: NaN };
  const given = Buffer.from(match[2] as string, 'utf8');
  return { ok: timingSafeEqual(given, hmacHex(key, raw)), t: Number(match[1]) };
}

/** The receiver's side of `t=<ms>,v1=<hex>`: HMAC-SHA256 over `<t>.<raw body>`. */
function verifyV1Signature(header: string | string[] | undefined, raw: string, key: string): { ok: boolean; t: number } {
  const match = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return { ok: false, t: NaN };
  const given = Buffer.from(match[2] as string, 'utf8');
  return { ok: timingSafeEqual(given, hmacHex(key, `${match[1]}.${raw}`)), t: Number(match[1]) };
}

describe('LocalInfisicalServer: webhooks', () => {
  let server: LocalInfisicalServer;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await new Receiver().start();
    server = await LocalInfisicalServer.start({ seed: seed(), webhookDelayMs: DELAY_MS });
  });

  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  /** Waits long enough that any further (merged-away or wrong) delivery would have arrived. */
  const settle = (): Promise<void> => sleep(DELAY_MS * 3);

  it('delivers one signed secrets.modified after the delay, with no secret name or value', async () => {
    const id = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/hook'), secretKey: KEY });
    const changedAt = Date.now();
    server.setSecret(PROJECT, 'dev', '/', 'API_TOKEN', SECRET_VALUE);

    await waitFor(() => receiver.received.length === 1);
    await settle();
    const [delivery] = receiver.received as [Received];
    expect(receiver.received).toHaveLength(1);
    expect(delivery.at - changedAt).toBeGreaterThanOrEqual(DELAY_MS - 5);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.body).toEqual({
      event: 'secrets.modified',
      project: { workspaceId: PROJECT, environment: 'dev', secretPath: '/' },
      timestamp: expect.any(Number),
    });
    expect(Object.keys(delivery.body)).toEqual(['event', 'project', 'timestamp']);
    expect(delivery.raw).not.toContain(SECRET_VALUE);
    expect(delivery.raw).not.toContain('API_TOKEN');

    const signature = verifyProjectSignature(delivery.headers['x-infisical-signature'], delivery.raw, KEY);
    expect(signature.ok).toBe(true);
    expect(signature.t).toBe(delivery.body.timestamp);
    expect(verifyProjectSignature(delivery.headers['x-infisical-signature'], delivery.raw, 'another-key').ok).toBe(false);
    expect(server.webhookDeliveries(id)).toEqual([
      { webhookId: id, event: 'secrets.modified', environment: 'dev', secretPath: '/', status: 200, at: delivery.body.timestamp },
    ]);
  });

  it('merges changes made within the delay (through the HTTP create, update and delete routes) into one delivery', async () => {
    // a longer delay, so three round trips surely fit in it on a busy machine
    const slower = await LocalInfisicalServer.start({ seed: seed(), webhookDelayMs: 600 });
    try {
      slower.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/hook'), secretKey: KEY });
      const sdk = await new InfisicalSDK({ siteUrl: slower.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'app-secret' });
      const location = { projectId: PROJECT, environment: 'dev', secretPath: '/' };

      const changedAt = Date.now();
      await sdk.secrets().createSecret('FRESH', { ...location, secretValue: SECRET_VALUE });
      await sdk.secrets().updateSecret('FRESH', { ...location, secretValue: 'two' });
      await sdk.secrets().deleteSecret('FRESH', location);
      expect(receiver.received).toEqual([]);
      expect(Date.now() - changedAt).toBeLessThan(600);

      await waitFor(() => receiver.received.length === 1);
      await sleep(1200);
      expect(receiver.received.map((entry) => entry.body.project)).toEqual([{ workspaceId: PROJECT, environment: 'dev', secretPath: '/' }]);
      expect(receiver.received[0]?.raw).not.toContain(SECRET_VALUE);
      expect(verifyProjectSignature(receiver.received[0]?.headers['x-infisical-signature'], receiver.received[0]?.raw ?? '', KEY).ok).toBe(true);
    } finally {
      await slower.close();
    }
  });

  it('fires again for a change after a delivery, and deleteSecret counts as a change', async () => {
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/hook') });
    server.setSecret(PROJECT, 'dev', '/', 'DB_USER', 'root');
    await waitFor(() => receiver.received.length === 1);

    server.deleteSecret(PROJECT, 'dev', '/', 'DB_USER');
    await waitFor(() => receiver.received.length === 2);
    await settle();
    expect(receiver.received).toHaveLength(2);
  });

  it("matches secret paths as Infisical's globs do: '/' is the root only, '/**' every folder", async () => {
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/root') });
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/**', url: receiver.url('/all') });
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/nested/**', url: receiver.url('/nested-tree') });
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/nested/*', url: receiver.url('/nested-children') });
    server.addWebhook({ projectId: PROJECT, environment: 'shared', secretPath: '/**', url: receiver.url('/other-env') });

    server.setSecret(PROJECT, 'dev', '/', 'A', '1');
    server.setSecret(PROJECT, 'dev', '/nested', 'B', '2');
    server.setSecret(PROJECT, 'dev', '/nested/deeper', 'C', '3');
    await waitFor(() => receiver.received.length === 7);
    await settle();

    const pathsAt = (path: string): string[] => receiver.at(path).map((entry) => entry.body.project.secretPath).sort();
    expect(pathsAt('/root')).toEqual(['/']);
    expect(pathsAt('/all')).toEqual(['/', '/nested', '/nested/deeper']);
    expect(pathsAt('/nested-tree')).toEqual(['/nested', '/nested/deeper']);
    expect(pathsAt('/nested-children')).toEqual(['/nested/deeper']);
    expect(pathsAt('/other-env')).toEqual([]);
    expect(receiver.received).toHaveLength(7);
  });

  it("fires the importing environments' webhooks (imports of imports too) on a change in an imported folder", async () => {
    server.addWebhook({ projectId: PROJECT, environment: 'shared', secretPath: '/', url: receiver.url('/shared') });
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/dev') });
    server.addWebhook({ projectId: PROJECT, environment: 'staging', secretPath: '/**', url: receiver.url('/staging') });

    server.setSecret(PROJECT, 'shared', '/', 'DB_HOST', 'db2.internal');
    await waitFor(() => receiver.received.length === 3);
    await settle();

    expect(receiver.at('/shared').map((entry) => entry.body.project)).toEqual([{ workspaceId: PROJECT, environment: 'shared', secretPath: '/' }]);
    expect(receiver.at('/dev').map((entry) => entry.body.project)).toEqual([{ workspaceId: PROJECT, environment: 'dev', secretPath: '/' }]);
    expect(receiver.at('/staging').map((entry) => entry.body.project)).toEqual([{ workspaceId: PROJECT, environment: 'staging', secretPath: '/' }]);
    expect(receiver.received).toHaveLength(3);

    // an import names one folder: a change below it reaches no importer
    server.setSecret(PROJECT, 'shared', '/db/main', 'DB_NAME', 'other');
    await settle();
    expect(receiver.received).toHaveLength(3);
  });

  it('sends no signature header without a secret key', async () => {
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/hook') });
    server.setSecret(PROJECT, 'dev', '/', 'A', '1');

    await waitFor(() => receiver.received.length === 1);
    expect(receiver.received[0]?.headers).not.toHaveProperty('x-infisical-signature');
  });

  it("signs as newer servers' event webhooks with signatureFormat 'v1': t=<ms>,v1=HMAC(<t>.<body>)", async () => {
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/hook'), secretKey: KEY, signatureFormat: 'v1' });
    server.setSecret(PROJECT, 'dev', '/', 'A', '1');

    await waitFor(() => receiver.received.length === 1);
    const [delivery] = receiver.received as [Received];
    const signature = verifyV1Signature(delivery.headers['x-infisical-signature'], delivery.raw, KEY);
    expect(signature).toEqual({ ok: true, t: delivery.body.timestamp });
    expect(verifyProjectSignature(delivery.headers['x-infisical-signature'], delivery.raw, KEY).ok).toBe(false);
  });

  it('testWebhook delivers a signed test event at once, with the webhook glob as secretPath', async () => {
    const id = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/nested/**', url: receiver.url('/hook'), secretKey: KEY });
    receiver.status = 500;

    const record = await server.testWebhook(id);

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received as [Received];
    expect(delivery.body).toEqual({ event: 'test', project: { workspaceId: PROJECT, environment: 'dev', secretPath: '/nested/**' }, timestamp: record.at });
    expect(verifyProjectSignature(delivery.headers['x-infisical-signature'], delivery.raw, KEY).ok).toBe(true);
    expect(record).toEqual({ webhookId: id, event: 'test', environment: 'dev', secretPath: '/nested/**', status: 500, at: record.at });
    expect(server.webhookDeliveries()).toEqual([record]);
  });

  it('removeWebhook stops deliveries, even one already waiting out the delay', async () => {
    const removed = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/removed') });
    const kept = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/kept') });

    server.setSecret(PROJECT, 'dev', '/', 'A', '1');
    server.removeWebhook(removed);
    await waitFor(() => receiver.at('/kept').length === 1);
    server.setSecret(PROJECT, 'dev', '/', 'A', '2');
    await waitFor(() => receiver.at('/kept').length === 2);
    await settle();

    expect(receiver.at('/removed')).toEqual([]);
    expect(server.webhookDeliveries(removed)).toEqual([]);
    expect(server.webhookDeliveries(kept)).toHaveLength(2);
    expect(() => server.removeWebhook(removed)).toThrow(`No webhook '${removed}'`);
    await expect(server.testWebhook(removed)).rejects.toThrow(`No webhook '${removed}'`);
  });

  it("records 'error' for a receiver that refuses the connection or does not answer in time, and never retries", async () => {
    const silent = await LocalInfisicalServer.start({ seed: seed(), webhookDelayMs: DELAY_MS, webhookTimeoutMs: 200 });
    try {
      const closedPort = await new Receiver().start();
      const refusedUrl = closedPort.url('/gone');
      await closedPort.close();
      const refused = silent.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: refusedUrl });
      const slow = silent.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/slow') });
      receiver.hold = true;

      silent.setSecret(PROJECT, 'dev', '/', 'A', '1');
      await waitFor(() => silent.webhookDeliveries().length === 2);
      await sleep(DELAY_MS + 300);

      expect(silent.webhookDeliveries(refused)).toEqual([expect.objectContaining({ status: 'error', error: 'ECONNREFUSED' })]);
      expect(silent.webhookDeliveries(slow)).toEqual([expect.objectContaining({ status: 'error', error: 'timeout' })]);
      expect(receiver.at('/slow')).toHaveLength(1);
      expect(receiver.cutShort).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('close() drops waiting deliveries and aborts those on the wire, leaving no handle', async () => {
    const waiting = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/nested', url: receiver.url('/waiting') });
    const onTheWire = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/wire') });
    receiver.hold = true;
    server.setSecret(PROJECT, 'dev', '/', 'A', '1');
    await waitFor(() => receiver.at('/wire').length === 1);
    server.setSecret(PROJECT, 'dev', '/nested', 'B', '2');

    const started = Date.now();
    await server.close();

    expect(Date.now() - started).toBeLessThan(1000);
    await waitFor(() => receiver.cutShort === 1);
    await settle();
    expect(receiver.at('/waiting')).toEqual([]);
    expect(server.webhookDeliveries(waiting)).toEqual([]);
    expect(server.webhookDeliveries(onTheWire)).toEqual([]);
    // changes after close deliver nothing either
    server.setSecret(PROJECT, 'dev', '/', 'A', '2');
    await settle();
    expect(receiver.received).toHaveLength(1);
  });

  it('sends each changed folder its own delivery, even within the delay', async () => {
    server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/**', url: receiver.url('/hook') });
    server.setSecret(PROJECT, 'dev', '/nested', 'B', '1');
    server.setSecret(PROJECT, 'dev', '/nested', 'B', '2');
    server.setSecret(PROJECT, 'dev', '/nested/deeper', 'C', '1');

    await waitFor(() => receiver.received.length === 2);
    await settle();
    expect(receiver.received.map((entry) => entry.body.project.secretPath).sort()).toEqual(['/nested', '/nested/deeper']);
  });

  describe('registration', () => {
    it('registers the webhooks of the seed, with the ids it gives', async () => {
      const withHooks = seed();
      (withHooks.projects[PROJECT] as { webhooks?: unknown }).webhooks = [
        { id: 'seeded', environment: 'dev', secretPath: '/**', url: receiver.url('/seeded'), secretKey: KEY },
      ];
      const seeded = await LocalInfisicalServer.start({ seed: withHooks, webhookDelayMs: DELAY_MS });
      try {
        seeded.setSecret(PROJECT, 'dev', '/nested', 'B', '1');
        await waitFor(() => receiver.received.length === 1);
        expect(verifyProjectSignature(receiver.received[0]?.headers['x-infisical-signature'], receiver.received[0]?.raw ?? '', KEY).ok).toBe(true);
        await waitFor(() => seeded.webhookDeliveries('seeded').length === 1);
      } finally {
        await seeded.close();
      }
    });

    it('refuses a webhook with wrong fields or an unknown project, listing every problem', () => {
      expect(() => server.addWebhook({ projectId: 'nope', environment: '', secretPath: 'nested', url: 'ftp://x' })).toThrow(
        [
          'Invalid webhook:',
          '  - webhook.environment must be a non-empty string',
          "  - webhook.secretPath must be a glob starting with '/'",
          '  - webhook.url must be an http:// or https:// URL',
          '  - webhook.projectId names no project of the seed',
        ].join('\n'),
      );
      const id = server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/x'), id: 'mine' });
      expect(id).toBe('mine');
      expect(() => server.addWebhook({ projectId: PROJECT, environment: 'dev', secretPath: '/', url: receiver.url('/x'), id: 'mine' })).toThrow(
        "webhook.id 'mine' is already taken",
      );
    });

    it('refuses a seed with wrong webhooks', async () => {
      const bad = seed();
      (bad.projects[PROJECT] as { webhooks?: unknown }).webhooks = [
        { id: 'twice', environment: 'dev', secretPath: '/', url: 'http://127.0.0.1:1/a' },
        { id: 'twice', environment: 'dev', secretPath: '/', url: 'not a url', signatureFormat: 'v2' },
      ];

      const start = LocalInfisicalServer.start({ seed: bad });

      await expect(start).rejects.toBeInstanceOf(LocalInfisicalSeedError);
      await expect(start).rejects.toThrow(/webhooks\[1\]\.url must be an http:\/\/ or https:\/\/ URL/);
      await expect(start).rejects.toThrow(/webhooks\[1\]\.signatureFormat must be 'project' or 'v1'/);
      await expect(start).rejects.toThrow(/webhooks\[1\]\.id 'twice' is used twice/);
    });
  });
});
