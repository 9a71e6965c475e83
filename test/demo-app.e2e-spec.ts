import type { INestApplication } from '@nestjs/common';
import { InfisicalConfigService } from 'nestjs-infisical-config';
import { AppModule } from '../apps/server/src/app.module.js';
import { deliverDevWebhooks, startDevInfisicalIfUnconfigured } from '../apps/server/src/dev-infisical.js';
import { DEMO_ENVIRONMENT, DEMO_PROJECT_ID } from '../apps/server/src/demo-secrets.seed.js';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { eventually } from './support/eventually.js';
import { LogCapture } from './support/log-capture.js';
import { EXPECTED_KEYS } from '../apps/server/src/secrets-check/secrets-check.controller.js';
import { E2eHarness } from './support/boot.js';
import { guardProcessEnv } from './support/process-env.guard.js';
import { CANARY, DB_PASSWORD, PROJECT_ID } from './support/seed.js';

async function getJson(app: INestApplication, path: string) {
  const reply = await fetch(`${await app.getUrl()}${path}`);
  return { status: reply.status, text: await reply.text() };
}

describe('demo app (apps/server), wired as the README says', () => {
  let harness: E2eHarness;
  let app: INestApplication;

  beforeEach(async () => {
    harness = await E2eHarness.start();
    Object.assign(process.env, harness.bootstrapVariables());
    app = await harness.boot([AppModule]);
    await app.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    await harness.close();
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  it('GET /health reports ok with the source and latency, and no value', async () => {
    const { status, text } = await getJson(app, '/health');
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.status).toBe('ok');
    expect(body.info.infisical).toEqual(
      expect.objectContaining({ status: 'up', source: 'infisical', fallback: false, latencyMs: expect.any(Number) }),
    );
    expect(text).not.toContain(CANARY);
  });

  it('GET /secrets/check proves the secrets reached ConfigService, process.env and a constructor, without values', async () => {
    const { status, text } = await getJson(app, '/secrets/check');
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.source).toBe('infisical');
    expect(body.databaseSettingsLoadedInConstructor).toBe(false); // the e2e seed has no DATABASE_URL
    expect(body.keys.map((entry: { key: string }) => entry.key)).toEqual([...EXPECTED_KEYS]);
    expect(body.keys.find((entry: { key: string }) => entry.key === 'DB_PASSWORD')).toEqual({
      key: 'DB_PASSWORD',
      inConfigService: true,
      inProcessEnv: true,
    });
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(String(DB_PASSWORD.length));
  });

  it('offers no unauthenticated route that drives refreshes against Infisical', async () => {
    const refresh = await fetch(`${await app.getUrl()}/secrets/refresh`, { method: 'POST' });
    expect(refresh.status).toBe(404);
    expect(harness.server.requestCount('listSecrets')).toBe(1); // the boot's only
  });

  it("the demo's rotation probe refuses a DATABASE_URL whose host does not resolve, and keeps the previous JWT_SECRET", async () => {
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DATABASE_URL', `postgres://app:${CANARY}@localhost:5432/app`);
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'JWT_SECRET', `jwt-one-${CANARY}`);
    const secrets = app.get(InfisicalConfigService);
    expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' })); // localhost resolves

    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DATABASE_URL', `postgres://app:${CANARY}@no-such-host.invalid:5432/app`);
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'JWT_SECRET', `jwt-two-${CANARY}`);
    expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'refused', probe: 'DatabaseProbe.canReach' }));
    expect(secrets.get('DATABASE_URL')).toBe(`postgres://app:${CANARY}@localhost:5432/app`);

    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DATABASE_URL', `postgres://app:${CANARY}@127.0.0.1:5432/app`);
    expect(await secrets.refresh()).toEqual(expect.objectContaining({ status: 'applied' }));
    expect(secrets.get('JWT_SECRET')).toBe(`jwt-two-${CANARY}`);
    expect(secrets.previous('JWT_SECRET')).toBe(`jwt-one-${CANARY}`);
  });

  it('a rotated DB_PASSWORD makes the database settings reconnect, and the log names the key only', async () => {
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    expect(await app.get(InfisicalConfigService).refresh()).toEqual({ status: 'applied', diff: { added: [], changed: ['DB_PASSWORD', 'DB_URL'], removed: [] } });
    const { text } = await getJson(app, '/secrets/check');
    expect(JSON.parse(text).databaseReconnects).toBe(1);
    expect(harness.logs.text()).toContain('Database credentials rotated (DB_PASSWORD): reconnecting');
  });
});

describe('demo app: local Infisical when none is configured', () => {
  let restoreEnv: () => void;
  beforeEach(() => (restoreEnv = guardProcessEnv()));
  afterEach(() => restoreEnv());

  const bootstrapNames = ['INFISICAL_SITE_URL', 'INFISICAL_PROJECT_ID', 'INFISICAL_ENVIRONMENT', 'INFISICAL_CLIENT_ID', 'INFISICAL_CLIENT_SECRET'];

  it('starts the seeded local server and points the bootstrap variables at it', async () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'development' };
    const server = await startDevInfisicalIfUnconfigured(env);
    try {
      expect(server).toBeDefined();
      expect(env.INFISICAL_SITE_URL).toBe(server!.url);
      for (const name of bootstrapNames) expect(env[name]).toEqual(expect.any(String));
      const status = await fetch(`${server!.url}/api/status`);
      expect(status.status).toBe(200);
    } finally {
      await server?.close();
    }
  });

  it("as `npm start` runs it: the local server's webhook brings a rotated secret to the demo without waiting for a refresh", async () => {
    const server = await startDevInfisicalIfUnconfigured(process.env);
    const logs = new LogCapture();
    const app = await NestFactory.create(AppModule, { rawBody: true, logger: logs });
    try {
      await app.listen(0, '127.0.0.1');
      deliverDevWebhooks(server!, await app.getUrl());
      const rotated = `rotated-${CANARY}`;
      server!.setSecret(DEMO_PROJECT_ID, DEMO_ENVIRONMENT, '/', 'JWT_SECRET', rotated);
      await eventually(() => app.get(ConfigService).get('JWT_SECRET') === rotated);
      expect(app.get(InfisicalConfigService).previous('JWT_SECRET')).toBe('sample-jwt-secret');
      expect(server!.webhookDeliveries().map((delivery) => delivery.status)).toEqual([202]);
      expect(logs.text()).not.toContain(CANARY);
    } finally {
      await app.close();
      await server?.close();
    }
  });

  it('does nothing when any INFISICAL_* variable is set, or in production', async () => {
    expect(await startDevInfisicalIfUnconfigured({ INFISICAL_SITE_URL: 'https://infisical.example.com' })).toBeUndefined();
    expect(await startDevInfisicalIfUnconfigured({ NODE_ENV: 'production' })).toBeUndefined();
  });
});
