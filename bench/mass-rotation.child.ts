// Child process of mass-rotation.bench: one app under test running one scenario, in a process of its own
// (a fresh process.env, its own working directory and .env file, and the bench can kill it when the code
// under test takes too long). The local Infisical server runs in a child of this one, so its work never
// counts. This file is also copied next to another checkout's dist (mass-rotation.bench --before): it uses
// only what both versions offer (InfisicalConfigModule.forRoot, InfisicalConfigService.refresh/get/keys).
// Protocol (IPC): -> { type: 'ready' }; <- { type: 'run', id, scenario }; -> events (ChildEvent) while it
// runs; -> { id, result } and the process exits.
import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { InfisicalConfigModule, InfisicalConfigService } from 'nestjs-infisical-config';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlockDetector, type BlockWindow } from './block-detector.js';
import { IpcChild } from './ipc-child.js';
import type { ChildEvent, ConvergeSample, RefreshSample, Scenario, ScenarioResult } from './mass-rotation.types.js';
import { rawListBody } from './raw-list.util.js';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, keyName, PROJECT } from './refresh-shared.js';
import { nsPerCallEach, percentile } from './stats.util.js';

const PARSE_RUNS = 15;
const CACHE_UNCHANGED_RUNS = 5;
const RSS_READING_EVERY = 25;

const gc = (globalThis as { gc?: () => void }).gc;
const fullGc = () => {
  gc?.();
  gc?.();
};
const cpuMsSince = (before: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};
const send = (event: ChildEvent) => process.send!(event);

interface AppUnderTest {
  app: INestApplication;
  secrets: InfisicalConfigService;
  config: ConfigService;
}

/** The README's wiring, default options: processEnv is passed only for 'skip'. Refreshes are driven here. */
function appModule(url: string, scenario: Scenario, fileCachePath?: string): DynamicModule {
  return {
    module: class MassRotationApp {},
    imports: [
      InfisicalConfigModule.forRoot({
        siteUrl: url,
        projectId: PROJECT,
        scopes: [{ environment: ENVIRONMENT }],
        auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        ...(scenario.processEnv === 'skip' ? { processEnv: 'skip' as const } : {}),
        refresh: { enabled: false },
        ...(fileCachePath ? { fileCache: { key: randomBytes(32).toString('base64'), path: fileCachePath } } : {}),
        configModule: { envFilePath: ['.env.local', '.env'] },
      }),
    ],
  };
}

class ScenarioRun {
  private readonly result: ScenarioResult = { rotated: [], unchanged: [], converge: [], problems: [] };
  private readonly detector = new BlockDetector();
  private readonly gaps = { rotated: [] as number[], unchanged: [] as number[] };
  private server!: IpcChild;
  private url = '';
  private app!: AppUnderTest;

  constructor(
    private readonly scenario: Scenario,
    private readonly dir: string,
  ) {}

  async run(): Promise<ScenarioResult> {
    const { child, ready } = await IpcChild.start(this.scenario.serverScript, { args: [String(this.scenario.size)], startTimeoutMs: 120_000 });
    this.server = child;
    this.url = String(ready.url);
    try {
      if (this.scenario.kind === 'cache') await this.cacheRewrites();
      else if (this.scenario.kind === 'profile') await this.profiled();
      else await this.rotation();
    } finally {
      this.detector.close();
      await this.app?.app.close().catch(() => undefined);
      await this.server.close();
    }
    return this.result;
  }

  // ------------------------------------------------------------ the scenarios

  private async rotation(): Promise<void> {
    const { rotated, unchanged, converge, rssRotations, getCalls, slowMs } = this.scenario;
    await this.boot();
    this.step('cold rotated refresh');
    this.result.cold = await this.rotatedRefresh(false);
    this.partial();
    // Slow code under test: the cold refresh is the only rotated one (it is already minutes long).
    const slow = this.result.cold.wallMs > slowMs;
    for (let i = 0; i < (slow ? 0 : rotated); i++) {
      this.step(`rotated refresh ${i + 1}/${rotated}`);
      this.result.rotated.push(await this.rotatedRefresh(true));
      this.partial();
    }
    for (let i = 0; i < unchanged; i++) {
      this.step(`unchanged refresh ${i + 1}/${unchanged}`);
      this.result.unchanged.push(await this.timedRefresh(this.gaps.unchanged));
    }
    this.result.rotatedGapP99Ms = percentile(this.gaps.rotated, 99);
    this.result.unchangedGapP99Ms = percentile(this.gaps.unchanged, 99);
    this.partial();
    for (let i = 0; i < (slow ? 0 : converge); i++) {
      this.step(`convergence ${i + 1}/${converge}`);
      this.result.converge.push(await this.convergence());
      this.partial();
    }
    this.result.mismatches = this.mismatches();
    if (rssRotations > 0 && !slow) await this.rss(rssRotations);
    await this.floors(slow);
    if (getCalls) this.getCalls();
    this.partial();
  }

  private async cacheRewrites(): Promise<void> {
    const file = join(this.dir, 'cache', 'secrets.enc');
    await this.boot(file);
    for (let waited = 0; !existsSync(file) && waited < 5_000; waited += 50) await sleep(50);
    const signature = () => {
      if (!existsSync(file)) return 'missing';
      const stat = statSync(file);
      return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    };
    const cache = { unchangedRefreshes: 0, unchangedRewrites: 0, rotatedRefreshes: 0, rotatedRewrites: 0 };
    let last = signature();
    if (last === 'missing') this.result.problems.push('no cache file after boot');
    const refresh = async (rotate: boolean) => {
      if (rotate) await this.server.call({ type: 'rotate' }, 120_000);
      const outcome = await this.app.secrets.refresh();
      this.expect(outcome.status, rotate ? 'applied' : 'unchanged');
      const now = signature();
      const rewritten = now !== last;
      last = now;
      return rewritten ? 1 : 0;
    };
    this.step('cache: unchanged refreshes');
    for (let i = 0; i < CACHE_UNCHANGED_RUNS; i++) {
      await sleep(20); // mtime has ms resolution: make a rewrite visible even on a coarse clock
      cache.unchangedRewrites += await refresh(false);
      cache.unchangedRefreshes += 1;
    }
    this.step('cache: rotated refresh');
    cache.rotatedRewrites += await refresh(true);
    cache.rotatedRefreshes += 1;
    this.result.cache = cache;
  }

  private async profiled(): Promise<void> {
    await this.boot();
    for (let i = 0; i < 3; i++) {
      this.step(`profile warm-up ${i + 1}/3`);
      await this.server.call({ type: 'rotate' }, 120_000);
      await this.app.secrets.refresh();
    }
    const windows: Record<string, [number, number]> = {};
    for (const kind of ['rotated', 'unchanged'] as const) {
      if (kind === 'rotated') await this.server.call({ type: 'rotate' }, 120_000);
      fullGc();
      this.step(`profiled ${kind} refresh`);
      const started = process.hrtime.bigint();
      const outcome = await this.app.secrets.refresh();
      const ended = process.hrtime.bigint();
      this.expect(outcome.status, kind === 'rotated' ? 'applied' : 'unchanged');
      windows[kind] = [Number(started / 1000n), Number(ended / 1000n)];
    }
    this.result.profileWindowsUs = windows;
  }

  // ------------------------------------------------------------ steps

  private async boot(fileCachePath?: string): Promise<void> {
    this.step('boot');
    fullGc();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const app = await NestFactory.create(appModule(this.url, this.scenario, fileCachePath), { logger: false, abortOnError: false });
    await app.init();
    const wallMs = performance.now() - started;
    const cpuMs = cpuMsSince(cpu);
    this.app = { app, secrets: app.get(InfisicalConfigService), config: app.get(ConfigService) };
    const keys = this.app.secrets.keys().length;
    if (keys !== this.scenario.size) this.result.problems.push(`booted with ${keys} keys, expected ${this.scenario.size}`);
    this.result.boot = { wallMs, cpuMs, keys };
    this.partial();
  }

  /** Every value changes on the server (in its own process, before the window), then one measured refresh. */
  private async rotatedRefresh(pool: boolean): Promise<RefreshSample> {
    await this.server.call({ type: 'rotate' }, 120_000);
    const sample = await this.timedRefresh(pool ? this.gaps.rotated : []);
    this.expect(sample.status, 'applied');
    return sample;
  }

  private async timedRefresh(gaps: number[]): Promise<RefreshSample> {
    fullGc(); // garbage of the previous step is not this refresh's
    let wallMs = 0;
    let cpuMs = 0;
    const { result: outcome, window } = await this.detector.measure(async () => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const outcome = await this.app.secrets.refresh();
      wallMs = performance.now() - started;
      cpuMs = cpuMsSince(cpu);
      return outcome;
    });
    gaps.push(...window.gapsMs);
    return { status: outcome.status, wallMs, cpuMs, ...blockFigures(window) };
  }

  /**
   * A rotated refresh watched between turns of the loop: when ConfigService shows every probed key new
   * (first, middle and last key), whether any turn saw a mix, and when process.env got its first and last
   * key (written in sorted key order). Probes cost a getenv each, so these refreshes are not timed.
   */
  private async convergence(): Promise<ConvergeSample> {
    await this.server.call({ type: 'rotate' }, 120_000);
    const keys = this.app.secrets.keys();
    const [first, last] = [keys[0], keys[keys.length - 1]];
    const probes = [first, keys[Math.floor(keys.length / 2)], last];
    const { config } = this.app;
    const configBefore = probes.map((key) => config.get(key));
    const watchEnv = this.scenario.processEnv === 'override';
    const envFirstBefore = process.env[first];
    const envLastBefore = process.env[last];
    const sample: ConvergeSample = { refreshMs: 0, configMixedTicks: 0, envTicks: 0 };
    const started = performance.now();
    const look = (now: number) => {
      if (sample.configAllNewMs === undefined) {
        const fresh = probes.filter((key, i) => config.get(key) !== configBefore[i]).length;
        if (fresh === probes.length) sample.configAllNewMs = now - started;
        else if (fresh > 0) sample.configMixedTicks += 1;
      }
      if (!watchEnv || sample.envAllNewMs !== undefined) return;
      if (sample.envFirstNewMs === undefined && process.env[first] !== envFirstBefore) sample.envFirstNewMs = now - started;
      if (sample.envFirstNewMs === undefined) return;
      sample.envTicks += 1;
      if (process.env[last] !== envLastBefore) sample.envAllNewMs = now - started;
    };
    const stopLooking = this.detector.onTick(look);
    this.detector.start();
    try {
      const outcome = await this.app.secrets.refresh();
      this.expect(outcome.status, 'applied');
      sample.refreshMs = performance.now() - started;
      look(performance.now());
    } finally {
      stopLooking();
    }
    return sample;
  }

  /** After the last rotation: every key in ConfigService, and 200 spread keys in process.env (a getenv each). */
  private mismatches(): ScenarioResult['mismatches'] {
    const { secrets, config } = this.app;
    const keys = secrets.keys();
    const configWrong = keys.filter((key) => config.get(key) !== secrets.get(key)).length;
    if (this.scenario.processEnv !== 'override') return { config: configWrong, env: 0, envChecked: 0 };
    const step = Math.max(1, Math.floor(keys.length / 200));
    const sampled = keys.filter((_, i) => i % step === 0);
    const envWrong = sampled.filter((key) => process.env[key] !== secrets.get(key)).length;
    return { config: configWrong, env: envWrong, envChecked: sampled.length };
  }

  private async rss(rotations: number): Promise<void> {
    this.step(`RSS over ${rotations} rotations`);
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const reading = async () => {
      fullGc();
      await sleep(50);
      return process.memoryUsage();
    };
    const before = await reading();
    const trendMb = [mb(before.rss)];
    for (let i = 1; i <= rotations; i++) {
      await this.server.call({ type: 'rotate' }, 120_000);
      this.expect((await this.app.secrets.refresh()).status, 'applied');
      if (i % RSS_READING_EVERY === 0 && i < rotations) trendMb.push(mb((await reading()).rss));
    }
    const after = await reading();
    trendMb.push(mb(after.rss));
    this.result.rss = { rotations, rssBeforeMb: mb(before.rss), rssAfterMb: mb(after.rss), heapBeforeMb: mb(before.heapUsed), heapAfterMb: mb(after.heapUsed), trendMb };
    if (!gc) this.result.problems.push('RSS read without --expose-gc');
  }

  /**
   * The floors, in this process: JSON.parse of the same list payload; for 'override' also JSON.parse plus
   * writing the same variables to process.env directly (new values each run: the server rotates first).
   */
  private async floors(slow: boolean): Promise<void> {
    this.step('floors');
    const body = await rawListBody(this.url);
    const floor = { payloadBytes: Buffer.byteLength(body), parseCpuMs: [] as number[], parseEnvCpuMs: [] as number[] };
    for (let i = 0; i < PARSE_RUNS; i++) {
      fullGc();
      const cpu = process.cpuUsage();
      if (!JSON.parse(body)) throw new Error('empty payload');
      floor.parseCpuMs.push(cpuMsSince(cpu));
    }
    const runs = this.scenario.processEnv === 'override' ? (slow ? Math.min(1, this.scenario.floorRuns) : this.scenario.floorRuns) : 0;
    for (let i = 0; i < runs; i++) {
      await this.server.call({ type: 'rotate' }, 120_000);
      const fresh = await rawListBody(this.url);
      fullGc();
      const cpu = process.cpuUsage();
      const { secrets } = JSON.parse(fresh) as { secrets: { secretKey: string; secretValue: string }[] };
      for (const secret of secrets) process.env[secret.secretKey] = secret.secretValue;
      floor.parseEnvCpuMs.push(cpuMsSince(cpu));
    }
    this.result.floor = floor;
  }

  /**
   * Last, once reads have seen every key (the convergence probes and the mismatch check): ConfigService.get's
   * lookups are then megamorphic, as in an app that reads many keys; a lookup that only ever saw one key is
   * several times faster and says little.
   */
  private getCalls(): void {
    this.step('get() timings');
    const { secrets, config } = this.app;
    const key = keyName(1);
    const map = new Map(Object.entries(secrets.getAll()));
    const best = nsPerCallEach({ map: () => map.get(key), service: () => secrets.get(key), config: () => config.get(key) });
    this.result.get = { serviceNs: best.service, mapNs: best.map, configNs: best.config };
  }

  // ------------------------------------------------------------ reporting

  private step(step: string): void {
    send({ type: 'step', step, at: Date.now() });
  }

  private partial(): void {
    send({ type: 'partial', result: this.result });
  }

  private expect(status: string, expected: string): void {
    if (status !== expected) this.result.problems.push(`a refresh was ${status}, expected ${expected}`);
  }
}

function blockFigures(window: BlockWindow): Omit<RefreshSample, 'status' | 'wallMs' | 'cpuMs'> {
  const { maxGapMs, maxGapCpuMs, maxGapWaitMs, maxCpuGapMs, maxOwnGapMs, eldP99Ms, eldMaxMs } = window;
  return { maxGapMs, maxGapCpuMs, maxGapWaitMs, maxCpuGapMs, maxOwnGapMs, eldP99Ms, eldMaxMs };
}

/** The working directory of the app: `.env` (same keys as Infisical, other values) when the scenario has one. */
function prepareDirectory(scenario: Scenario): string {
  const dir = scenario.workDir;
  if (scenario.dotenv) {
    const lines: string[] = [];
    for (let i = 1; i <= scenario.size; i++) lines.push(`${keyName(i)}=dotenv-value-${i}`);
    writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`);
  }
  process.chdir(dir);
  return dir;
}

process.on('message', (message: { type: string; id: number; scenario: Scenario }) => {
  if (message.type !== 'run') return;
  const dir = prepareDirectory(message.scenario);
  const finish = (code: number, result: ScenarioResult) => {
    process.chdir(tmpdir());
    process.send!({ id: message.id, result }, () => process.exit(code));
  };
  new ScenarioRun(message.scenario, dir).run().then(
    (result) => finish(0, result),
    (error: unknown) => finish(1, { rotated: [], unchanged: [], converge: [], problems: [`child failed: ${error instanceof Error ? error.message : String(error)}`] }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
