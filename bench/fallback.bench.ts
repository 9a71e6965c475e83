import 'reflect-metadata';
import { InfisicalSDK } from '@infisical/sdk';
import { NestFactory } from '@nestjs/core';
import { InfisicalConfigModule, InfisicalConfigService } from 'nestjs-infisical-config';
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoSeed, DEMO_CLIENT_ID, DEMO_ENVIRONMENT, DEMO_PROJECT_ID } from '../apps/server/src/demo-secrets.seed.js';
import { fmt } from './stats.util.js';

// Boot to "ready" when Infisical is black-holed or refuses connections, with a file cache present,
// against the raw SDK's own time to give up on the same target and a healthy boot, all in this run.
// The SDK retries for tens of seconds: expect this to take a minute and a half.
const CLIENT_SECRET = 'bench-client-secret';
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 10_000);

async function bootMs(siteUrl: string, cachePath: string, cacheKey: string): Promise<{ ms: number; source: string }> {
  const started = performance.now();
  const app = await NestFactory.create(
    InfisicalConfigModule.forRoot({
      siteUrl,
      projectId: DEMO_PROJECT_ID,
      scopes: [{ environment: DEMO_ENVIRONMENT }],
      auth: { clientId: DEMO_CLIENT_ID, clientSecret: CLIENT_SECRET },
      processEnv: 'skip',
      startupTimeoutMs: DEADLINE_MS,
      refresh: { enabled: false },
      fileCache: { key: cacheKey, path: cachePath },
      dotenvFallback: { enabled: false },
    }),
    { logger: false, abortOnError: false },
  );
  await app.init();
  const ms = performance.now() - started;
  const source = app.get(InfisicalConfigService).source;
  await app.close();
  return { ms, source };
}

/** How long the raw SDK takes to give up logging in (it retries network errors 4 times, 10 s per attempt). */
async function sdkGiveUpMs(siteUrl: string): Promise<number> {
  const started = performance.now();
  await new InfisicalSDK({ siteUrl })
    .auth()
    .universalAuth.login({ clientId: DEMO_CLIENT_ID, clientSecret: CLIENT_SECRET })
    .catch(() => undefined);
  return performance.now() - started;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'infisical-fallback-bench-'));
  const cachePath = join(dir, 'secrets.enc');
  const cacheKey = randomBytes(32).toString('base64');

  // A healthy boot, which also writes the file cache. Its port is then reused for the failures.
  const server = await LocalInfisicalServer.start({ seed: demoSeed(CLIENT_SECRET) });
  const url = server.url;
  await bootMs(url, cachePath, cacheKey); // warm-up
  const healthy = await bootMs(url, cachePath, cacheKey);

  server.injectFault('*', { kind: 'blackhole' });
  const blackholed = await bootMs(url, cachePath, cacheKey);
  const sdkBlackholed = await sdkGiveUpMs(url);
  await server.close();

  const refused = await bootMs(url, cachePath, cacheKey);
  const sdkRefused = await sdkGiveUpMs(url);
  rmSync(dir, { recursive: true, force: true });

  const rows = [
    ['healthy boot (baseline)', `${fmt(healthy.ms, 1)} ms (${healthy.source})`, '1.00x'],
    [`black-holed: module ready (deadline ${DEADLINE_MS} ms)`, `${fmt(blackholed.ms, 0)} ms (${blackholed.source})`, `${fmt(blackholed.ms / healthy.ms, 1)}x healthy`],
    ['black-holed: raw SDK gives up', `${fmt(sdkBlackholed, 0)} ms`, `${fmt(sdkBlackholed / blackholed.ms)}x the module`],
    ['refused: module ready', `${fmt(refused.ms, 1)} ms (${refused.source})`, `${fmt(refused.ms / healthy.ms, 1)}x healthy`],
    ['refused: raw SDK gives up', `${fmt(sdkRefused, 0)} ms`, `${fmt(sdkRefused / refused.ms, 0)}x the module`],
  ];
  console.log(`\nnestjs-infisical-config fallback bench (node ${process.version}, file cache present)\n`);
  console.log('| measure | value | ratio |\n| --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
