// Child process of fleet.bench: one or more replicas, each a Nest app of its own (its own module instance,
// Redis connections, timers and, with a webhook, its own HTTP server on 127.0.0.1), in a process of its
// own working directory (argv[2], empty: no .env, no cache file). Several apps in one process share its
// event loop and process.env; the bench says how it spread the replicas.
// Protocol (IPC): -> { type: 'ready' }
//   <- { type: 'boot', id, specs: ReplicaSpec[] }   boots them one after the other -> { id, ports }
//   <- { type: 'states', id }                        -> { id, states: ReplicaState[] }
//   <- { type: 'watch', id, key, value }             arms a 1 ms poll of every app's get(key) -> { id };
//      then one event { type: 'seen', app } per app as soon as it serves value
//   <- { type: 'refresh', id, app }                  InfisicalConfigService.refresh() -> { id, status }
//   <- { type: 'arm', id, redis }                    the next fleet announcement this process sees opens
//      a measured event-loop window on app 0, closed once that app has applied it -> { id }
//   <- { type: 'awaitApply', id, key, value }        -> { id, window, gapsMs, served } (served: app 0 serves value)
//   <- { type: 'idle', id, ms }                      an idle window of ms -> { id, window, gapsMs }
//   <- { type: 'sealedBytes', id, redis }            size of the fleet snapshot in Redis -> { id, bytes }
//   <- { type: 'logs', id }                          -> { id, logs: LogCounts }
//   <- { type: 'close', id }                         closes every app -> { id }, then exits
import 'reflect-metadata';
import type { DynamicModule, INestApplication, INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InfisicalConfigModule, InfisicalConfigService, InfisicalWebhookModule } from 'nestjs-infisical-config';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { BlockDetector, type BlockWindow } from './block-detector.js';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, PROJECT } from './fleet.shared.js';
import type { LogCounts, LoopWindow, ReplicaSpec, ReplicaState } from './fleet.types.js';

process.chdir(process.argv[2]);

interface Request {
  type: 'boot' | 'states' | 'watch' | 'refresh' | 'arm' | 'awaitApply' | 'idle' | 'sealedBytes' | 'logs' | 'close';
  id: number;
  specs?: ReplicaSpec[];
  key?: string;
  value?: string;
  app?: number;
  redis?: string;
  ms?: number;
}

/** Strings that must never reach the output, whatever a message says. */
const secrets = new Set<string>([CLIENT_SECRET]);
const logs: LogCounts = {};

/** Counts warnings and errors (cut short, secrets redacted); drops the rest. */
class CountingLogger implements LoggerService {
  log(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown): void {
    this.count('warn', message);
  }
  error(message: unknown): void {
    this.count('error', message);
  }
  fatal(message: unknown): void {
    this.count('fatal', message);
  }
  private count(level: string, message: unknown): void {
    let text = `${level}: ${message instanceof Error ? message.message : String(message)}`;
    for (const secret of secrets) text = text.split(secret).join('[redacted]');
    text = text.length > 140 ? `${text.slice(0, 139)}…` : text;
    logs[text] = (logs[text] ?? 0) + 1;
  }
}
const logger = new CountingLogger();

const apps: Array<INestApplicationContext | INestApplication> = [];
const service = (index: number) => apps[index].get(InfisicalConfigService);

function replicaModule(spec: ReplicaSpec): DynamicModule {
  return {
    module: class FleetReplica {},
    imports: [
      InfisicalConfigModule.forRoot({
        siteUrl: spec.url,
        projectId: PROJECT,
        scopes: [{ environment: ENVIRONMENT }],
        auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        ...(spec.ttlMs ? { refresh: { ttlMs: spec.ttlMs } } : {}),
        ...(spec.fleet ? { fleet: { redis: spec.fleet.redis, key: spec.fleet.key, ...(spec.fleet.leaseMs ? { leaseMs: spec.fleet.leaseMs } : {}) } } : {}),
      }),
      ...(spec.webhook ? [InfisicalWebhookModule.forRoot({ path: spec.webhook.path, secret: spec.webhook.secret })] : []),
    ],
  };
}

async function boot(specs: ReplicaSpec[]): Promise<Array<number | null>> {
  const ports: Array<number | null> = [];
  for (const spec of specs) {
    if (spec.fleet) secrets.add(spec.fleet.key);
    if (spec.webhook) secrets.add(spec.webhook.secret);
    if (spec.webhook) {
      // As an app's main.ts: the signature covers the raw bytes.
      const app = await NestFactory.create(replicaModule(spec), { rawBody: true, logger, abortOnError: false });
      await app.listen(0, '127.0.0.1');
      apps.push(app);
      ports.push((app.getHttpServer().address() as AddressInfo).port);
    } else {
      apps.push(await NestFactory.createApplicationContext(replicaModule(spec), { logger, abortOnError: false }));
      ports.push(null);
    }
  }
  return ports;
}

function states(): ReplicaState[] {
  return apps.map((_, index) => {
    const status = service(index).status();
    return { role: status.fleet?.role ?? 'none', version: status.fleet?.version ?? null, secretCount: status.secretCount, refreshing: status.refreshing };
  });
}

let watcher: NodeJS.Timeout | undefined;

/** A 1 ms poll (not a spin: ten replicas on two cores would starve the leader) of every app's value. */
function watch(key: string, value: string): void {
  clearInterval(watcher);
  const waiting = new Set(apps.map((_, index) => index));
  const look = () => {
    for (const index of waiting) {
      if (service(index).get(key) === value) {
        waiting.delete(index);
        process.send!({ type: 'seen', app: index });
      }
    }
    if (waiting.size === 0) clearInterval(watcher);
  };
  watcher = setInterval(look, 1);
  look();
}

// ------------------------------------------------------------ item 3: a follower's event loop

const detector = new BlockDetector();
let announcements: Redis | undefined;
let armed: ((value: void) => void) | undefined;
let applying: Promise<BlockWindow> | undefined;

const loopWindow = (window: BlockWindow): LoopWindow => ({
  eldP99Ms: window.eldP99Ms,
  eldMaxMs: window.eldMaxMs,
  maxGapMs: window.maxGapMs,
  maxOwnGapMs: window.maxOwnGapMs,
  ms: window.ms,
});

/** Its own connection, subscribed to every fleet's announcements (channel names are hashes). */
async function listen(redis: string): Promise<void> {
  if (announcements) return;
  announcements = new Redis(redis, { maxRetriesPerRequest: 1 });
  announcements.on('error', () => undefined);
  announcements.on('pmessage', () => {
    const open = armed;
    armed = undefined;
    open?.();
  });
  await announcements.psubscribe('infisical-config:*:updates');
}

async function arm(redis: string): Promise<void> {
  await listen(redis);
  detector.start();
  const secretsOf = service(0);
  const announced = new Promise<void>((resolve) => (armed = resolve));
  // The window opens in the announcement's own callback: the module's subscriber gets the same message on
  // the same turn of the loop, and its snapshot read (HGETALL, decrypt, parse, apply) comes after.
  applying = announced.then(async () => {
    const { window } = await detector.measure(async () => {
      await firstValueFrom(secretsOf.changes$); // after ConfigService and process.env hold the new values
      while (secretsOf.status().refreshing) await sleep(1);
    });
    return window;
  });
}

async function sealedBytes(redis: string): Promise<number> {
  const client = new Redis(redis, { maxRetriesPerRequest: 1 });
  try {
    const [key] = await client.keys('infisical-config:*:snapshot');
    return key ? Number(await client.hstrlen(key, 'sealed')) : 0;
  } finally {
    client.disconnect();
  }
}

async function handle(request: Request): Promise<Record<string, unknown>> {
  switch (request.type) {
    case 'boot':
      return { ports: await boot(request.specs!) };
    case 'states':
      return { states: states() };
    case 'watch':
      watch(request.key!, request.value!);
      return {};
    case 'refresh':
      return { status: (await service(request.app ?? 0).refresh()).status };
    case 'arm':
      await arm(request.redis!);
      return {};
    case 'awaitApply': {
      const window = await applying!;
      applying = undefined;
      return { window: loopWindow(window), gapsMs: window.gapsMs, served: service(0).get(request.key!) === request.value };
    }
    case 'idle': {
      const { window } = await detector.measure(() => sleep(request.ms!));
      return { window: loopWindow(window), gapsMs: window.gapsMs };
    }
    case 'sealedBytes':
      return { bytes: await sealedBytes(request.redis!) };
    case 'logs':
      return { logs };
    case 'close':
      clearInterval(watcher);
      detector.close();
      announcements?.disconnect();
      for (const app of apps) await app.close();
      return {};
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (reply) => process.send!({ ...reply, id: request.id }, () => request.type === 'close' && process.exit(0)),
    (error: unknown) => {
      // The module's errors carry a sanitized reason, never a value.
      let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const secret of secrets) text = text.split(secret).join('[redacted]');
      console.error(`fleet.replica.child: '${request.type}' failed: ${text}`);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
