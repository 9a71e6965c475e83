// Refresh cost of nestjs-infisical-config: event-loop delay during refreshes, HTTP latency of an app that
// refreshes once a second, and the CPU/heap cost of one 10,000-secret refresh. The local Infisical server and
// the HTTP load run in child processes, so only the library's own work lands on this event loop.
// Every number is a ratio against a baseline measured in this same run: the machines are shared and noisy.
// Run: npm run build && node --expose-gc dist/bench/refresh.bench.js
import 'reflect-metadata';
import { Controller, Get, type DynamicModule, type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { InfisicalConfigModule, InfisicalConfigService, type RefreshOutcome } from 'nestjs-infisical-config';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { benchFile, IpcChild, killAllChildren } from './ipc-child.js';
import { rawListBody } from './raw-list.util.js';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, PROJECT } from './refresh-shared.js';
import { fmt, median, percentile } from './stats.util.js';

const SMALL = 1_000;
const LARGE = 10_000;
const LOOP_RES_MS = 1; // monitorEventLoopDelay resolution
const LOAD_SEGMENT_MS = 2_000; // HTTP load segments, 1 refresh/s from 0.5 s on: 2 refreshes per segment
const LOAD_SEGMENTS = 6; // per scenario
const CONCURRENCY = 8;
const COST_RUNS = 10; // refreshes per kind in the cost section
const PARSE_RUNS = 30;
const WATCHDOG_MS = 240_000;

const gc = (globalThis as { gc?: () => void }).gc;

async function startServer(size: number): Promise<{ server: IpcChild; url: string }> {
  const { child, ready } = await IpcChild.start(benchFile('./refresh-server.child.js'), { args: [String(size)] });
  return { server: child, url: String(ready.url) };
}

// ---------------------------------------------------------------- the app under test

@Controller()
class PingController {
  constructor(private readonly config: ConfigService) {}

  /** Demo-like endpoint: reads a secret through ConfigService (answers its length, never the value). */
  @Get('ping')
  ping(): { ok: boolean; length: number } {
    const value = this.config.get<string>('KEY_00001');
    return { ok: value !== undefined, length: value?.length ?? 0 };
  }
}

function benchModule(url: string): DynamicModule {
  return {
    module: class RefreshBenchApp {},
    imports: [
      InfisicalConfigModule.forRoot({
        siteUrl: url,
        projectId: PROJECT,
        scopes: [{ environment: ENVIRONMENT }],
        auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        processEnv: 'skip',
        refresh: { enabled: false }, // refreshes are driven by the bench, at known times
        configModule: { ignoreEnvFile: true },
      }),
    ],
    controllers: [PingController],
  };
}

async function startApp(url: string): Promise<{ app: INestApplication; secrets: InfisicalConfigService; pingUrl: string }> {
  const app = await NestFactory.create(benchModule(url), { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, secrets: app.get(InfisicalConfigService), pingUrl: `http://127.0.0.1:${port}/ping` };
}

// ---------------------------------------------------------------- small stats helpers

const ratio = (value: number, base: number) => (Number.isFinite(value / base) ? `${fmt(value / base)}x` : 'n/a');
const kb = (bytes: number) => `${fmt(bytes / 1024, 0)} KB`;
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;
const rows: string[][] = [];
const notes: string[] = [];

function expectStatus(outcomes: Pick<RefreshOutcome, 'status'>[], expected: RefreshOutcome['status'], what: string): void {
  const wrong = outcomes.filter((outcome) => outcome.status !== expected);
  if (wrong.length) notes.push(`WARNING ${what}: ${wrong.length}/${outcomes.length} refreshes were ${[...new Set(wrong.map((o) => o.status))].join('/')}, expected ${expected}`);
}

// ---------------------------------------------------------------- 1. event-loop delay during refreshes

interface LoopWindow {
  p99: number; // ms
  max: number; // ms
  ms: number; // window length
}

// One continuous window per histogram: an ELD histogram that is disabled and enabled again records the
// whole pause as one delay (node 20), so windows are never stitched together from pieces.
async function monitored(run: () => Promise<void>): Promise<LoopWindow> {
  fullGc(); // no garbage left over from the previous window (matters most for the idle one)
  const histogram = monitorEventLoopDelay({ resolution: LOOP_RES_MS });
  const started = performance.now();
  histogram.enable();
  await run();
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, ms: performance.now() - started };
}

/**
 * `count` refreshes back to back, nothing else on this event loop. Rotated: the server child changes every
 * value right after serving each list request, so no IPC or server work sits between the refreshes.
 */
async function refreshWindow(server: IpcChild, secrets: InfisicalConfigService, count: number, rotate: boolean) {
  const outcomes: RefreshOutcome[] = [];
  if (rotate) await server.call({ type: 'autoRotate', on: true });
  try {
    const window = await monitored(async () => {
      for (let i = 0; i < count; i++) outcomes.push(await secrets.refresh());
    });
    return { window, outcomes };
  } finally {
    if (rotate) await server.call({ type: 'autoRotate', on: false });
  }
}

async function loopDelay(size: number, server: IpcChild, secrets: InfisicalConfigService): Promise<void> {
  const count = size >= LARGE ? 15 : 40;
  await refreshWindow(server, secrets, 3, true); // warm-up
  await refreshWindow(server, secrets, 3, false);
  const unchanged = await refreshWindow(server, secrets, count, false);
  const rotated = await refreshWindow(server, secrets, count, true);
  // Baseline: the same monitor over an idle window as long as the two refresh windows on average.
  const idle = await monitored(() => sleep(Math.min(10_000, Math.max(500, (unchanged.window.ms + rotated.window.ms) / 2))));
  expectStatus(unchanged.outcomes, 'unchanged', `loop ${size} unchanged`);
  expectStatus(rotated.outcomes, 'applied', `loop ${size} rotated`);
  const label = size.toLocaleString('en-US');
  const value = ({ window }: { window: LoopWindow }) =>
    `p99 ${fmt(window.p99)} ms (max ${fmt(window.max, 1)}) vs idle ${fmt(idle.p99)} ms (max ${fmt(idle.max, 1)})`;
  const title = (what: string, { window }: { window: LoopWindow }) =>
    `event-loop delay p99, ${count} refreshes of ${label} back to back, ${what} (${fmt(window.ms / 1000, 1)} s window)`;
  rows.push([title('unchanged', unchanged), value(unchanged), ratio(unchanged.window.p99, idle.p99)]);
  rows.push([title('all values rotated', rotated), value(rotated), ratio(rotated.window.p99, idle.p99)]);
}

// ---------------------------------------------------------------- 2. HTTP latency under load, with and without refreshes

async function loadScenario(load: IpcChild, server: IpcChild, secrets: InfisicalConfigService, pingUrl: string, withRefresh: boolean, durationMs: number) {
  const outcomes: RefreshOutcome[] = [];
  let stopped = false;
  let tick: Promise<void> = Promise.resolve();
  // Once a second (first at 0.5 s): rotate every value on the server, then refresh. Without refresh the
  // server still rotates, so the background work is the same in both scenarios.
  const fire = () => {
    if (stopped) return;
    tick = (async () => {
      await server.call({ type: 'rotate' });
      if (withRefresh && !stopped) outcomes.push(await secrets.refresh());
    })();
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    fire();
    interval = setInterval(fire, 1_000);
  }, 500);
  const result = await load.call({ type: 'run', url: pingUrl, durationMs, concurrency: CONCURRENCY }, durationMs + 30_000);
  stopped = true;
  clearTimeout(first);
  clearInterval(interval);
  await tick;
  return { latencies: result.latencies as number[], errors: Number(result.errors), outcomes };
}

async function httpUnderLoad(server: IpcChild, secrets: InfisicalConfigService, pingUrl: string): Promise<void> {
  const { child: load } = await IpcChild.start(benchFile('./refresh-load.child.js'));
  try {
    await loadScenario(load, server, secrets, pingUrl, true, 1_000); // warm-up of both paths
    const plain: number[] = [];
    const refreshing: number[] = [];
    const outcomes: RefreshOutcome[] = [];
    let errors = 0;
    // Short segments in A B B A order, so drift in machine load hits both scenarios alike.
    for (let segment = 0; segment < 2 * LOAD_SEGMENTS; segment++) {
      const withRefresh = segment % 4 === 1 || segment % 4 === 2;
      const run = await loadScenario(load, server, secrets, pingUrl, withRefresh, LOAD_SEGMENT_MS);
      (withRefresh ? refreshing : plain).push(...run.latencies);
      outcomes.push(...run.outcomes);
      errors += run.errors;
    }
    expectStatus(outcomes, 'applied', 'HTTP load refreshes');
    if (errors) notes.push(`WARNING HTTP load: ${errors} failed requests`);
    const seconds = (LOAD_SEGMENTS * LOAD_SEGMENT_MS) / 1000;
    const rate = (samples: number[]) => `${fmt(samples.length / seconds, 0)} req/s`;
    const scenario = `${CONCURRENCY} conns, ${LOAD_SEGMENTS}x${fmt(LOAD_SEGMENT_MS / 1000, 0)} s each, ABBA`;
    rows.push([
      `HTTP GET /ping p50, 1 refresh/s of 1,000 rotated vs no refresh (${scenario})`,
      `${fmt(percentile(refreshing, 50), 3)} ms vs ${fmt(percentile(plain, 50), 3)} ms`,
      ratio(percentile(refreshing, 50), percentile(plain, 50)),
    ]);
    rows.push([
      `HTTP GET /ping p99, same (${outcomes.length} refreshes; ${rate(refreshing)} vs ${rate(plain)})`,
      `${fmt(percentile(refreshing, 99), 3)} ms vs ${fmt(percentile(plain, 99), 3)} ms`,
      ratio(percentile(refreshing, 99), percentile(plain, 99)),
    ]);
    rows.push([
      'HTTP GET /ping p99.9, same',
      `${fmt(percentile(refreshing, 99.9), 3)} ms vs ${fmt(percentile(plain, 99.9), 3)} ms`,
      ratio(percentile(refreshing, 99.9), percentile(plain, 99.9)),
    ]);
  } finally {
    await load.close();
  }
}

// ---------------------------------------------------------------- 3. cost of one 10,000-secret refresh vs JSON.parse

interface Cost {
  ms: number;
  cpuMs: number;
  allocated?: number;
  retained?: number;
}

/** Full collection, twice (the second one picks up what finalizers and weak references let go). */
function fullGc(): void {
  gc?.();
  gc?.();
}

/**
 * One run of `op`: wall and this process's CPU time; with gc exposed also bytes allocated (heap growth plus
 * what collections during the run freed) and retained (heap growth after a full gc, result still alive).
 */
async function cost<T>(op: () => T | Promise<T>): Promise<Cost> {
  fullGc();
  const profiler = gc ? new v8.GCProfiler() : undefined;
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  profiler?.start();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let result: T | undefined = await op();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const heapAfter = v8.getHeapStatistics().used_heap_size;
  const gcs = profiler?.stop();
  const out: Cost = { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  if (gc && gcs) {
    // Bytes freed by collections during the run count as allocated too.
    const freed = gcs.statistics.reduce((sum, s) => sum + s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize, 0);
    out.allocated = heapAfter - heapBefore + freed;
    fullGc();
    out.retained = v8.getHeapStatistics().used_heap_size - heapBefore; // while `result` is still alive
  }
  if (result === Symbol.for('never')) console.log(result);
  result = undefined;
  return out;
}

function medianOf(costs: Cost[], field: keyof Cost): number {
  const values = costs.map((c) => c[field]).filter((v): v is number => v !== undefined);
  return values.length ? median(values) : NaN;
}

async function refreshCost(url: string, server: IpcChild, secrets: InfisicalConfigService): Promise<void> {
  const body = await rawListBody(url);
  const parsed = JSON.parse(body) as { secrets?: unknown[] };
  if (parsed.secrets?.length !== LARGE) notes.push(`WARNING raw list returned ${parsed.secrets?.length} secrets, expected ${LARGE}`);
  const parses: Cost[] = [];
  for (let i = 0; i < PARSE_RUNS; i++) parses.push(await cost(() => JSON.parse(body)));
  const rotated: Cost[] = [];
  const unchanged: Cost[] = [];
  // Statuses only: an outcome's diff holds 10,000 key names and would count as retained.
  const rotatedOutcomes: Pick<RefreshOutcome, 'status'>[] = [];
  const unchangedOutcomes: Pick<RefreshOutcome, 'status'>[] = [];
  fullGc();
  const heapAtStart = v8.getHeapStatistics().used_heap_size;
  for (let i = 0; i < COST_RUNS; i++) {
    await server.call({ type: 'rotate' });
    rotated.push(await cost(async () => void rotatedOutcomes.push({ status: (await secrets.refresh()).status })));
    await server.call({ type: 'ping' });
    unchanged.push(await cost(async () => void unchangedOutcomes.push({ status: (await secrets.refresh()).status })));
  }
  fullGc();
  // Over the whole series: what stays behind for good (a leak check), not what one refresh holds until the next.
  const growthPerRefresh = (v8.getHeapStatistics().used_heap_size - heapAtStart) / (2 * COST_RUNS);
  expectStatus(rotatedOutcomes, 'applied', 'cost rotated');
  expectStatus(unchangedOutcomes, 'unchanged', 'cost unchanged');

  const parseMs = medianOf(parses, 'ms');
  const parseCpu = medianOf(parses, 'cpuMs');
  const payload = `${mb(Buffer.byteLength(body))} payload`;
  for (const [kind, runs] of [['rotated', rotated], ['unchanged', unchanged]] as const) {
    rows.push([`one refresh of 10,000, ${kind}: wall (incl. server child) vs JSON.parse of the ${payload}`, `${fmt(medianOf(runs, 'ms'), 1)} ms vs ${fmt(parseMs, 1)} ms`, ratio(medianOf(runs, 'ms'), parseMs)]);
    rows.push([`one refresh of 10,000, ${kind}: CPU of this process vs JSON.parse`, `${fmt(medianOf(runs, 'cpuMs'), 1)} ms vs ${fmt(parseCpu, 1)} ms`, ratio(medianOf(runs, 'cpuMs'), parseCpu)]);
    if (gc) {
      const allocated = medianOf(runs, 'allocated');
      const parseAllocated = medianOf(parses, 'allocated');
      rows.push([`one refresh of 10,000, ${kind}: heap allocated vs JSON.parse`, `${mb(allocated)} vs ${mb(parseAllocated)}`, ratio(allocated, parseAllocated)]);
    }
  }
  if (gc) {
    const parseRetained = medianOf(parses, 'retained');
    rows.push([
      `heap retained per refresh of 10,000 after gc, over ${2 * COST_RUNS} (leak check) vs the parsed payload kept alive`,
      `${kb(growthPerRefresh)} vs ${kb(parseRetained)}`,
      ratio(growthPerRefresh, parseRetained),
    ]);
  }
  if (!gc) notes.push('heap numbers skipped: run node with --expose-gc');
}

// ---------------------------------------------------------------- main

async function withSize(size: number, work: (server: IpcChild, url: string, app: Awaited<ReturnType<typeof startApp>>) => Promise<void>): Promise<void> {
  const { server, url } = await startServer(size);
  try {
    const app = await startApp(url);
    try {
      if (app.secrets.keys().length !== size) notes.push(`WARNING app loaded ${app.secrets.keys().length} keys, expected ${size}`);
      await work(server, url, app);
    } finally {
      await app.app.close();
    }
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  await withSize(SMALL, async (server, _url, { secrets, pingUrl }) => {
    await loopDelay(SMALL, server, secrets);
    await httpUnderLoad(server, secrets, pingUrl);
  });
  await withSize(LARGE, async (server, url, { secrets }) => {
    await loopDelay(LARGE, server, secrets);
    await refreshCost(url, server, secrets);
  });

  console.log(`\nnestjs-infisical-config refresh bench (node ${process.version}, sizes ${SMALL.toLocaleString('en-US')} and ${LARGE.toLocaleString('en-US')} secrets, ` +
    `loop-delay resolution ${LOOP_RES_MS} ms, ${fmt((performance.now() - started) / 1000, 0)} s)\n`);
  console.log('| measure | value | ratio |\n| --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  for (const note of notes) console.log(`\n${note}`);
}

const watchdog = setTimeout(() => {
  console.error(`refresh bench: still running after ${WATCHDOG_MS / 1000} s, giving up`);
  killAllChildren();
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main()
  .then(() => {
    clearTimeout(watchdog);
    // Everything is closed; anything left (a stray keep-alive socket) must not keep the process up.
    setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
  })
  .catch((error) => {
    console.error('refresh bench failed:', error instanceof Error ? error.message : error);
    killAllChildren();
    process.exit(1);
  });
