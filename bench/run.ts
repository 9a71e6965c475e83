import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { InfisicalConfigService } from 'nestjs-infisical-config';
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoSeed, DEMO_CLIENT_ID, DEMO_ENVIRONMENT, DEMO_PROJECT_ID } from '../apps/server/src/demo-secrets.seed.js';
import { baselineApp, infisicalApp } from './bench-apps.js';
import { fmt, median, nsPerCall } from './stats.util.js';

// Every number is a ratio against a baseline measured in this same run: the machines are shared and noisy.
const BOOTS = Number(process.env.BENCH_BOOTS ?? 15);
const CLIENT_SECRET = 'bench-client-secret';

async function timeBoot(module: DynamicModule): Promise<{ ms: number; app: Awaited<ReturnType<typeof NestFactory.create>> }> {
  const started = performance.now();
  const app = await NestFactory.create(module, { logger: false, abortOnError: false });
  await app.init();
  return { ms: performance.now() - started, app };
}

async function main() {
  const server = await LocalInfisicalServer.start({ seed: demoSeed(CLIENT_SECRET) });
  const dir = mkdtempSync(join(tmpdir(), 'infisical-bench-'));
  const seeded = demoSeed(CLIENT_SECRET).projects[DEMO_PROJECT_ID].environments;
  const values = { ...seeded.workspace['/'].secrets, ...seeded[DEMO_ENVIRONMENT]['/'].secrets };
  const dotenvFile = join(dir, 'baseline.env');
  writeFileSync(dotenvFile, Object.entries(values).map(([key, value]) => `${key}=${value}`).join('\n'));
  const bootstrapFile = join(dir, 'bootstrap.env');
  writeFileSync(
    bootstrapFile,
    [
      `INFISICAL_SITE_URL=${server.url}`,
      `INFISICAL_PROJECT_ID=${DEMO_PROJECT_ID}`,
      `INFISICAL_ENVIRONMENT=${DEMO_ENVIRONMENT}`,
      `INFISICAL_CLIENT_ID=${DEMO_CLIENT_ID}`,
      `INFISICAL_CLIENT_SECRET=${CLIENT_SECRET}`,
    ].join('\n'),
  );

  const baselineMs: number[] = [];
  const infisicalMs: number[] = [];
  const requestsPerBoot: number[] = [];
  let lastInfisical: Awaited<ReturnType<typeof NestFactory.create>> | undefined;
  // Warm up once each, then alternate so drift in machine load hits both sides alike.
  for (let i = -1; i < BOOTS; i++) {
    const baseline = await timeBoot(baselineApp(dotenvFile));
    await baseline.app.close();
    server.resetRequestCounts();
    const infisical = await timeBoot(infisicalApp(bootstrapFile));
    if (i >= 0) {
      baselineMs.push(baseline.ms);
      infisicalMs.push(infisical.ms);
      requestsPerBoot.push(server.requestCount());
    }
    if (i === BOOTS - 1) lastInfisical = infisical.app;
    else await infisical.app.close();
  }

  const service = lastInfisical!.get(InfisicalConfigService);
  const configService = lastInfisical!.get(ConfigService);
  const map = new Map(Object.entries(service.getAll()));
  const mapNs = nsPerCall(() => map.get('DB_PASSWORD'));
  const getNs = nsPerCall(() => service.get('DB_PASSWORD'));
  const configGetNs = nsPerCall(() => configService.get('DB_PASSWORD'));
  await lastInfisical!.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });

  const baseBoot = median(baselineMs);
  const infBoot = median(infisicalMs);
  const rows = [
    ['boot, module + local Infisical vs ConfigModule + .env', `${fmt(infBoot, 1)} ms vs ${fmt(baseBoot, 1)} ms`, `${fmt(infBoot / baseBoot)}x`],
    ['HTTP requests at boot, 1 scope (budget: 1 login + 1 list)', `${median(requestsPerBoot)} (max ${Math.max(...requestsPerBoot)})`, `${fmt(Math.max(...requestsPerBoot) / 2)}x of budget`],
    ['InfisicalConfigService.get() vs Map.get', `${fmt(getNs)} ns vs ${fmt(mapNs)} ns`, `${fmt(getNs / mapNs)}x`],
    ['ConfigService.get() vs Map.get (reference)', `${fmt(configGetNs)} ns vs ${fmt(mapNs)} ns`, `${fmt(configGetNs / mapNs)}x`],
  ];
  console.log(`\nnestjs-infisical-config bench (node ${process.version}, ${BOOTS} boots each, medians)\n`);
  console.log('| measure | value | ratio |\n| --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
