// Fleet mode and webhooks of nestjs-infisical-config, in one run:
//   1. Infisical list calls per refresh interval for 1, 5 and 20 replicas, fleet vs solo (short TTL, fixed
//      window, counted by the local server, boot excluded);
//   2. time from a signed webhook's arrival at one of 10 replicas until all 10 serve the new value, p50/p99,
//      vs the expected wait of scheduled polling at the default settings (computed from the defaults);
//   3. event-loop delay on a follower applying the leader's 10,000-secret snapshot, vs the same follower idle.
// Every replica is a Nest app of its own. Item 1 spreads the replicas over at most --processes child
// processes (round-robin); items 2 and 3 run one replica per process. The local Infisical server runs in a
// child process, Redis in a throwaway redis-server on loopback. Values and keys never reach the output.
// Run: npm run build && node dist/bench/fleet.bench.js [options]
//   --only LIST       some of: calls,push,apply (default all)
//   --sizes LIST      fleet sizes of item 1 (default 1,5,20); --processes N  at most N replica processes (default 4)
//   --ttl MS          refresh.ttlMs of item 1 (default 2000); --window S  measured window per run (default 30)
//   --replicas N      replicas of item 2 (default 10); --rotations N (default 30); --gap MS  pause between rotations (default 300)
//   --size N          secrets of item 3 (default 10000); --runs N  measured applies of each kind (default 10)
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULTS } from '../libs/infisical-config/src/infisical-config.constants.js';
import { killAllChildren } from './ipc-child.js';
import { BenchRedis, redisServerInstalled } from './fleet.redis.js';
import { pollingWait, reportNotes, reportTable, type Measured } from './fleet.report.js';
import { progress, Scenarios } from './fleet.scenarios.js';

const ITEMS = ['calls', 'push', 'apply'] as const;
type Item = (typeof ITEMS)[number];

interface Args {
  only: Item[];
  sizes: number[];
  processes: number;
  ttlMs: number;
  windowS: number;
  replicas: number;
  rotations: number;
  gapMs: number;
  size: number;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: [...ITEMS], sizes: [1, 5, 20], processes: 4, ttlMs: 2_000, windowS: 30, replicas: 10, rotations: 30, gapMs: 300, size: 10_000, runs: 10 };
  const positive = (flag: string, value: string | undefined) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${flag}: a positive integer, got ${value}`);
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--only') args.only = argv[++i].split(',') as Item[];
    else if (flag === '--sizes') args.sizes = argv[++i].split(',').map((n) => positive(flag, n));
    else if (flag === '--processes') args.processes = positive(flag, argv[++i]);
    else if (flag === '--ttl') args.ttlMs = positive(flag, argv[++i]);
    else if (flag === '--window') args.windowS = positive(flag, argv[++i]);
    else if (flag === '--replicas') args.replicas = positive(flag, argv[++i]);
    else if (flag === '--rotations') args.rotations = positive(flag, argv[++i]);
    else if (flag === '--gap') args.gapMs = positive(flag, argv[++i]);
    else if (flag === '--size') args.size = positive(flag, argv[++i]);
    else if (flag === '--runs') args.runs = positive(flag, argv[++i]);
    else throw new Error(`unknown option ${flag}`);
  }
  const unknown = args.only.filter((item) => !ITEMS.includes(item));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')} (known: ${ITEMS.join(', ')})`);
  if (args.ttlMs < 1_000) throw new Error('--ttl: at least 1000 ms');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!redisServerInstalled()) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const scratch = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
  const redis = await BenchRedis.start();
  const { ttlMs, refreshAt, jitter } = DEFAULTS.refresh;
  const measured: Measured = { calls: [], polling: pollingWait(ttlMs, refreshAt, jitter, args.replicas) };
  try {
    const scenarios = new Scenarios(redis, scratch);
    if (args.only.includes('calls')) {
      for (const n of args.sizes) {
        for (const mode of ['solo', 'fleet'] as const) {
          progress(`list calls: ${n} replica(s), ${mode}, TTL ${args.ttlMs} ms, ${args.windowS} s window`);
          measured.calls.push(await scenarios.calls(mode, n, args.processes, args.ttlMs, args.windowS * 1000));
        }
      }
    }
    if (args.only.includes('push')) {
      progress(`webhook → ${args.replicas} replicas, ${args.rotations} rotations`);
      measured.push = await scenarios.push(args.replicas, args.rotations, args.gapMs);
    }
    if (args.only.includes('apply')) {
      progress(`a follower applying ${args.size} secrets, ${args.runs} runs of each kind`);
      measured.apply = await scenarios.apply(args.size, args.runs);
    }
    const load = `load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
    console.log(`\nnestjs-infisical-config fleet bench (node ${process.version}, ${cpus().length} CPUs, ${load}, ${Math.round((performance.now() - started) / 1000)} s)\n`);
    console.log(reportTable(measured));
    console.log(`\n${reportNotes(measured).map((note) => `- ${note}`).join('\n')}`);
  } finally {
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});

main().catch((error: unknown) => {
  console.error('fleet bench failed:', error instanceof Error ? error.message : error);
  killAllChildren();
  process.exit(1);
});
