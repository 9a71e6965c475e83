// Child process of request-control.bench: one app under test, in a process of its own so its CPU, its
// sockets and its timers are its own. It runs whichever build 'nestjs-infisical-config' resolves to: this
// checkout's, or another checkout's when request-control.bench copies it next to that one's dist. It uses
// only what both versions offer: InfisicalConfigModule.forRoot and InfisicalConfigService.refresh().
// Protocol (IPC): -> { type: 'ready' }
//   <- { type: 'boot', id, boot: AppBoot }  -> { id, bootMs }
//   <- { type: 'refresh', id }              -> { id, measure: RefreshMeasure }
//   <- { type: 'close', id }                -> { id }, then exits (also when the SDK still has requests out)
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InfisicalConfigModule, InfisicalConfigService } from 'nestjs-infisical-config';
import { performance } from 'node:perf_hooks';
import type { AppBoot, RefreshMeasure } from './request-control.types.js';
import { WireCounter } from './request-control.wire.js';

interface Request {
  type: 'boot' | 'refresh' | 'close';
  id: number;
  boot?: AppBoot;
}

const wire = new WireCounter();
let app: INestApplicationContext | undefined;

/** Default options but for `refresh`; no .env files or fallback (the child runs in an empty directory). */
async function boot(options: AppBoot): Promise<number> {
  const started = performance.now();
  app = await NestFactory.createApplicationContext(
    InfisicalConfigModule.forRoot({
      siteUrl: options.url,
      projectId: options.projectId,
      scopes: [{ environment: options.environment }],
      auth: { clientId: options.clientId, clientSecret: options.clientSecret },
      ...(options.refresh ? { refresh: options.refresh } : {}),
      dotenvFallback: { enabled: false },
      configModule: { ignoreEnvFile: true },
    }),
    { logger: false, abortOnError: false },
  );
  return performance.now() - started;
}

async function refresh(): Promise<RefreshMeasure> {
  const secrets = app!.get(InfisicalConfigService);
  const bytesBefore = wire.bytesIn();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome: { status: string; reason?: string } = await secrets.refresh();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { status: outcome.status, reason: outcome.reason, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, bytesIn: wire.bytesIn() - bytesBefore };
}

async function handle(request: Request): Promise<Record<string, unknown>> {
  switch (request.type) {
    case 'boot':
      return { bootMs: await boot(request.boot!) };
    case 'refresh':
      return { measure: await refresh() };
    case 'close':
      await app?.close();
      return {};
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (reply) => process.send!({ ...reply, id: request.id }, () => request.type === 'close' && process.exit(0)),
    (error: unknown) => {
      // The module's errors carry a sanitized reason and a remedy, never a value.
      console.error(`request-control.app.child: '${request.type}' failed:`, error instanceof Error ? `${error.name}: ${error.message}` : error);
      process.exit(1);
    },
  );
});
// The bench died or let go of us: do not linger (the SDK's retries would keep the process alive).
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
