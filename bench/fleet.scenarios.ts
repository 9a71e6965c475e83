// The three measurements of fleet.bench. Every replica is a Nest app of its own; replicas run in replica
// child processes (fleet.replica.child), the local Infisical server in another (fleet.server.child),
// Redis in redis-server. The bench process only drives them and keeps the clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { benchFile, IpcChild, type Reply } from './ipc-child.js';
import type { BenchRedis } from './fleet.redis.js';
import { ENVIRONMENT, keyName, PROJECT, ROTATED_KEY, valueOf, WEBHOOK_PATH } from './fleet.shared.js';
import type { ApplyResult, CallsResult, LogCounts, LoopWindow, PushResult, ReplicaSpec, ReplicaState } from './fleet.types.js';
import { postWebhook, signedDelivery } from './fleet.webhook.js';
import { percentile } from './stats.util.js';

const SERVER_CHILD = benchFile('fleet.server.child.js');
const REPLICA_CHILD = benchFile('fleet.replica.child.js');
/** The module's default refreshAt: the scheduled interval is ttlMs * REFRESH_AT on average. */
export const REFRESH_AT = 0.8;

export const progress = (text: string) => process.stderr.write(`fleet bench: ${text}\n`);

/** Replicas spread round-robin over `processes` children: e.g. 5 over 4 -> [2, 1, 1, 1]. */
export function spread(replicas: number, processes: number): number[] {
  const counts = Array.from({ length: Math.min(replicas, processes) }, () => 0);
  for (let i = 0; i < replicas; i++) counts[i % counts.length] += 1;
  return counts;
}

function mergeLogs(into: LogCounts, from: LogCounts): LogCounts {
  for (const [message, count] of Object.entries(from)) into[message] = (into[message] ?? 0) + count;
  return into;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 50): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

class LocalServer {
  private constructor(
    readonly child: IpcChild,
    readonly url: string,
  ) {}

  static async start(size: number): Promise<LocalServer> {
    const { child, ready } = await IpcChild.start(SERVER_CHILD, { args: [String(size)], startTimeoutMs: 120_000 });
    return new LocalServer(child, String(ready.url));
  }

  async counts(): Promise<{ lists: number; requests: number }> {
    const reply = await this.child.call({ type: 'counts' });
    return { lists: Number(reply.lists), requests: Number(reply.requests) };
  }
}

/** Replica child processes, each with its own empty working directory; replica i = (process, app) in boot order. */
class ReplicaProcesses {
  /** `seen` events: (process, app). */
  onSeen: (process: number, app: number) => void = () => undefined;

  private constructor(
    readonly children: IpcChild[],
    private readonly dirs: string[],
  ) {}

  static async start(count: number, scratch: string): Promise<ReplicaProcesses> {
    const dirs = Array.from({ length: count }, () => mkdtempSync(join(scratch, 'replica-')));
    const group: { current?: ReplicaProcesses } = {};
    const children = await Promise.all(
      dirs.map(async (dir, index) => {
        const { child } = await IpcChild.start(REPLICA_CHILD, {
          args: [dir],
          onEvent: (message: Reply) => message.type === 'seen' && group.current?.onSeen(index, Number(message.app)),
        });
        return child;
      }),
    );
    group.current = new ReplicaProcesses(children, dirs);
    return group.current;
  }

  async boot(process: number, specs: ReplicaSpec[]): Promise<Array<number | null>> {
    if (specs.length === 0) return [];
    return (await this.children[process].call({ type: 'boot', specs }, 120_000)).ports as Array<number | null>;
  }

  async states(): Promise<ReplicaState[][]> {
    return Promise.all(this.children.map(async (child) => (await child.call({ type: 'states' })).states as ReplicaState[]));
  }

  async roles(): Promise<Record<string, number>> {
    const roles: Record<string, number> = {};
    for (const state of (await this.states()).flat()) roles[state.role] = (roles[state.role] ?? 0) + 1;
    return roles;
  }

  async logs(): Promise<LogCounts> {
    const all: LogCounts = {};
    for (const child of this.children) mergeLogs(all, (await child.call({ type: 'logs' })).logs as LogCounts);
    return all;
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((child) => child.close()));
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export class Scenarios {
  private readonly fleetKey = randomBytes(32).toString('base64');

  constructor(
    private readonly redis: BenchRedis,
    private readonly scratch: string,
  ) {}

  private fleetOf(leaseMs?: number): NonNullable<ReplicaSpec['fleet']> {
    return { redis: this.redis.url, key: this.fleetKey, ...(leaseMs ? { leaseMs } : {}) };
  }

  /** Boots a fleet's first replica on process 0 and waits until it leads and has published. */
  private async bootLeader(group: ReplicaProcesses, spec: ReplicaSpec): Promise<number | null> {
    const [port] = await group.boot(0, [spec]);
    await until('the first replica to lead and publish', async () => {
      const [state] = (await group.states())[0];
      return state.role === 'leader' && state.version !== null;
    });
    return port;
  }

  private async waitForFleet(group: ReplicaProcesses, replicas: number): Promise<void> {
    await until(`one leader and ${replicas - 1} followers on one version`, async () => {
      const states = (await group.states()).flat();
      const versions = new Set(states.map((state) => state.version));
      return states.filter((s) => s.role === 'leader').length === 1 && states.filter((s) => s.role === 'follower').length === replicas - 1 && versions.size === 1;
    });
  }

  // ------------------------------------------------------------ 1. list calls per interval

  async calls(mode: 'fleet' | 'solo', replicas: number, maxProcesses: number, ttlMs: number, windowMs: number): Promise<CallsResult> {
    await this.redis.flush();
    const server = await LocalServer.start(20);
    const appsPerProcess = spread(replicas, maxProcesses);
    const group = await ReplicaProcesses.start(appsPerProcess.length, this.scratch);
    try {
      const spec: ReplicaSpec = { url: server.url, ttlMs, ...(mode === 'fleet' ? { fleet: this.fleetOf() } : {}) };
      const specs = (count: number) => Array.from({ length: count }, () => spec);
      if (mode === 'fleet') {
        await this.bootLeader(group, spec);
        await Promise.all(appsPerProcess.map((count, process) => group.boot(process, specs(process === 0 ? count - 1 : count))));
        await this.waitForFleet(group, replicas);
      } else {
        await Promise.all(appsPerProcess.map((count, process) => group.boot(process, specs(count))));
      }
      await sleep(ttlMs); // boot and election refreshes are behind us
      const before = await server.counts();
      const readsBefore = await this.redis.commandCount('hgetall');
      const started = performance.now();
      // Who leads, every 250 ms: a leader change would mean a second fetch.
      let leaderChanges = 0;
      let lastLeader: string | undefined;
      while (performance.now() - started < windowMs) {
        const states = await group.states();
        const leader = states.flatMap((apps, process) => apps.map((state, app) => (state.role === 'leader' ? `${process}:${app}` : undefined))).find(Boolean);
        if (mode === 'fleet' && lastLeader !== undefined && leader !== lastLeader) leaderChanges += 1;
        lastLeader = leader;
        await sleep(Math.min(250, Math.max(0, windowMs - (performance.now() - started))));
      }
      const after = await server.counts();
      const measuredMs = performance.now() - started;
      return {
        mode,
        replicas,
        processes: appsPerProcess.length,
        appsPerProcess,
        ttlMs,
        windowMs: measuredMs,
        intervalMs: ttlMs * REFRESH_AT,
        lists: after.lists - before.lists,
        requests: after.requests - before.requests,
        redisSnapshotReads: (await this.redis.commandCount('hgetall')) - readsBefore,
        rolesAtEnd: await group.roles(),
        leaderChanges,
        logs: await group.logs(),
      };
    } finally {
      await group.close();
      await server.child.close();
    }
  }

  // ------------------------------------------------------------ 2. webhook -> every replica

  async push(replicas: number, rotations: number, gapMs: number): Promise<PushResult> {
    await this.redis.flush();
    const server = await LocalServer.start(20);
    const group = await ReplicaProcesses.start(replicas, this.scratch); // one replica per process
    const secret = randomBytes(24).toString('hex');
    try {
      const spec: ReplicaSpec = { url: server.url, fleet: this.fleetOf(), webhook: { path: WEBHOOK_PATH, secret } }; // default TTL and lease
      const first = await this.bootLeader(group, spec);
      const rest = await Promise.all(group.children.slice(1).map((_, index) => group.boot(index + 1, [spec])));
      const ports = [first, ...rest.map(([port]) => port)].map(Number);
      await this.waitForFleet(group, replicas);

      const result: PushResult = { replicas, rotations, allMs: [], targetMs: [], postMs: [], statuses: {}, toLeader: 0, lists: 0, timeouts: 0, logs: {} };
      const listsBefore = (await server.counts()).lists;
      for (let r = 0; r < rotations; r++) {
        const target = r % replicas;
        const roles = (await group.states()).map((apps) => apps[0].role);
        if (roles[target] === 'leader') result.toLeader += 1;
        const value = `rotated-${r}-${randomBytes(12).toString('hex')}`;
        const seen = new Map<number, number>();
        let allSeen: () => void = () => undefined;
        const everyone = new Promise<void>((resolve) => (allSeen = resolve));
        group.onSeen = (process) => {
          if (!seen.has(process)) seen.set(process, performance.now());
          if (seen.size === replicas) allSeen();
        };
        await Promise.all(group.children.map((child) => child.call({ type: 'watch', key: ROTATED_KEY, value })));
        await server.child.call({ type: 'set', key: ROTATED_KEY, value });
        const { body, signature } = signedDelivery(secret, PROJECT, ENVIRONMENT, '/');
        const t0 = performance.now();
        const status = await postWebhook({ port: ports[target], path: WEBHOOK_PATH, secret }, body, signature);
        result.postMs.push(performance.now() - t0);
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        const timedOut = await Promise.race([everyone.then(() => false), sleep(10_000).then(() => true)]);
        if (timedOut) {
          result.timeouts += 1;
          progress(`rotation ${r + 1}: only ${seen.size}/${replicas} replicas served the new value within 10 s`);
        } else {
          result.allMs.push(Math.max(...seen.values()) - t0);
          result.targetMs.push(seen.get(target)! - t0);
        }
        await sleep(gapMs);
      }
      result.lists = (await server.counts()).lists - listsBefore;
      result.logs = await group.logs();
      return result;
    } finally {
      group.onSeen = () => undefined;
      await group.close();
      await server.child.close();
    }
  }

  // ------------------------------------------------------------ 3. a follower's event loop while it applies

  async apply(size: number, runs: number): Promise<ApplyResult & { cold: LoopWindow }> {
    await this.redis.flush();
    progress(`seeding ${size} secrets`);
    const server = await LocalServer.start(size);
    const group = await ReplicaProcesses.start(2, this.scratch); // process 0: the leader, process 1: the follower
    const [leader, follower] = group.children;
    try {
      const spec: ReplicaSpec = { url: server.url, fleet: this.fleetOf() }; // default options otherwise
      await this.bootLeader(group, spec);
      await group.boot(1, [spec]);
      await this.waitForFleet(group, 2);
      let gen = 0;
      const applyOnce = async (kind: 'all' | 'one') => {
        gen += 1;
        await follower.call({ type: 'arm', redis: this.redis.url });
        await server.child.call({ type: kind === 'all' ? 'rotateAll' : 'rotateOne', gen }, 120_000);
        const outcome = await leader.call({ type: 'refresh', app: 0 }, 120_000);
        if (outcome.status !== 'applied') throw new Error(`the leader's refresh was ${String(outcome.status)}, not applied`);
        const reply = await follower.call({ type: 'awaitApply', key: keyName(1), value: valueOf(1, gen) }, 120_000);
        if (reply.served !== true) throw new Error('the follower does not serve the new value after applying');
        return { window: reply.window as LoopWindow, gapsMs: reply.gapsMs as number[] };
      };
      progress('first apply after boot (all values rotated)');
      const cold = (await applyOnce('all')).window;
      const result: ApplyResult & { cold: LoopWindow } = {
        size,
        sealedBytes: 0,
        applied: { all: [], one: [] },
        idle: [],
        gapP99Ms: { all: NaN, one: NaN, idle: NaN },
        lists: 0,
        logs: {},
        cold,
      };
      const gaps = { all: [] as number[], one: [] as number[], idle: [] as number[] };
      for (let i = 0; i < runs; i++) {
        progress(`applies ${i + 1}/${runs}: all rotated, one changed, idle`);
        for (const kind of ['all', 'one'] as const) {
          const { window, gapsMs } = await applyOnce(kind);
          result.applied[kind].push(window);
          gaps[kind].push(...gapsMs);
        }
        // Idle, as long as this round's all-rotated apply took: the same follower, nothing happening.
        const idle = await follower.call({ type: 'idle', ms: Math.max(50, Math.round(result.applied.all.at(-1)!.ms)) }, 60_000);
        result.idle.push(idle.window as LoopWindow);
        gaps.idle.push(...(idle.gapsMs as number[]));
      }
      result.gapP99Ms = { all: percentile(gaps.all, 99), one: percentile(gaps.one, 99), idle: percentile(gaps.idle, 99) };
      result.sealedBytes = Number((await follower.call({ type: 'sealedBytes', redis: this.redis.url })).bytes);
      result.lists = (await server.counts()).lists;
      result.logs = await group.logs();
      return result;
    } finally {
      await group.close();
      await server.child.close();
    }
  }
}
