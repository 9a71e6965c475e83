// Request control of nestjs-infisical-config, before and after its own HTTP client replaced
// @infisical/sdk on the list path (one attempt per call, aborted at the deadline and on shutdown,
// retry-after honoured, connection failures reported at once, ETag/If-None-Match), in one run:
//   1. list calls per replica and scope under a steady 429 with retry-after, refreshes due;
//   2. connections left open 10 s after a black-holed refresh failed, and requests the server saw;
//   3. time until refresh() reports refused connections, and the reason it gives;
//   4. cold import time of the library entry, and the installed size of its runtime closure;
//   5. an unchanged refresh of 10,000 secrets with a 304 vs without (bytes, CPU, wall time).
// Each app and each local server runs in a process of its own. "Before" is commit 48cf495, built in a git
// worktree (npm install, npm run build: about a minute, needs the npm registry) and removed at the end.
// Run: npm run build && node dist/bench/request-control.bench.js [options]
//   --before DIR        use the built checkout in DIR as "before" (kept) instead of building a worktree
//   --before-commit SHA build "before" from SHA (default 48cf495)
//   --no-before         measure this code only
//   --retry-after S     retry-after of the 429 (default 10: Infisical's 60 s, scaled down 6x)
//   --window S          how long the 429 lasts (default 30: three retry-after windows)
//   --size N            secrets in the unchanged refresh (default 10000); --runs N measured refreshes (default 15)
//   --only LIST         some of: rate,blackhole,refused,footprint,etag
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BEFORE_COMMIT, createWorktree, LIBRARY_ENTRY, otherCheckout, removeWorktree, thisCheckout, unstage } from './request-control.checkout.js';
import { coldImportMs, installPacked, type ImportTarget } from './request-control.footprint.js';
import { killAllChildren } from './ipc-child.js';
import { reportNotes, reportTable, type Measured, type Pair } from './request-control.report.js';
import { Scenarios } from './request-control.scenarios.js';
import type { Variant } from './request-control.types.js';

const ITEMS = ['rate', 'blackhole', 'refused', 'footprint', 'etag'] as const;
type Item = (typeof ITEMS)[number];
/** How long after a black-holed refresh failed the open connections are counted. */
const BLACKHOLE_LATER_S = 10;
const IMPORT_RUNS = 10;

interface Args {
  before?: string;
  beforeCommit?: string;
  retryAfterS: number;
  windowS: number;
  size: number;
  runs: number;
  only: Item[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { beforeCommit: BEFORE_COMMIT, retryAfterS: 10, windowS: 30, size: 10_000, runs: 15, only: [...ITEMS] };
  const positive = (flag: string, value: string | undefined) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${flag}: a positive integer, got ${value}`);
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--before') args.before = resolve(argv[++i]);
    else if (flag === '--before-commit') args.beforeCommit = argv[++i];
    else if (flag === '--no-before') args.beforeCommit = undefined;
    else if (flag === '--retry-after') args.retryAfterS = positive(flag, argv[++i]);
    else if (flag === '--window') args.windowS = positive(flag, argv[++i]);
    else if (flag === '--size') args.size = positive(flag, argv[++i]);
    else if (flag === '--runs') args.runs = positive(flag, argv[++i]);
    else if (flag === '--only') args.only = argv[++i].split(',') as Item[];
    else throw new Error(`unknown option ${flag}`);
  }
  const unknown = args.only.filter((item) => !ITEMS.includes(item));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')} (known: ${ITEMS.join(', ')})`);
  return args;
}

const progress = (text: string) => process.stderr.write(`request-control bench: ${text}\n`);

function shortCommit(root: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return root;
  }
}

/** Both builds at once (the scenarios that count requests or wait on deadlines, not CPU). */
async function both<T>(now: Variant, before: Variant | undefined, measure: (variant: Variant) => Promise<T>): Promise<Pair<T>> {
  const [nowResult, compared] = await Promise.all([measure(now), before ? measure(before) : Promise.resolve(undefined)]);
  return { now: nowResult, compared };
}

async function footprint(now: Variant, before: Variant | undefined, scratch: string): Promise<NonNullable<Measured['footprint']>> {
  progress('packing and installing the tarballs');
  const installedNow = installPacked(now.root, join(scratch, 'pack-now'));
  const installedBefore = before ? installPacked(before.root, join(scratch, 'pack-before')) : undefined;
  progress(`cold imports, ${IMPORT_RUNS} rounds`);
  const entry = (variant: Variant) => pathToFileURL(join(variant.root, LIBRARY_ENTRY)).href;
  const targets: ImportTarget[] = [
    { name: 'node', specifier: '', cwd: scratch },
    { name: 'now', specifier: entry(now), cwd: scratch },
    ...(before && installedBefore
      ? [
          { name: 'before', specifier: entry(before), cwd: scratch },
          { name: 'sdk', specifier: '@infisical/sdk', cwd: installedBefore.dir },
        ]
      : []),
  ];
  const times = coldImportMs(targets, IMPORT_RUNS);
  return {
    runs: IMPORT_RUNS,
    nodeAloneMs: times.get('node')!,
    importMs: { now: times.get('now')!, compared: times.get('before') },
    sdkImportMs: times.get('sdk'),
    installed: { now: installedNow, compared: installedBefore },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'request-control-'));
  const appCwd = join(scratch, 'app');
  mkdirSync(appCwd);
  const now = thisCheckout();
  let worktree: string | undefined;
  let before: Variant | undefined;
  try {
    if (args.before) {
      before = otherCheckout(args.before, shortCommit(args.before));
    } else if (args.beforeCommit) {
      worktree = join(scratch, 'before');
      progress(`building ${args.beforeCommit} in a worktree (npm install, npm run build)`);
      createWorktree(args.beforeCommit, worktree);
      before = otherCheckout(worktree, args.beforeCommit);
    }
    const scenarios = new Scenarios(appCwd);
    const measured: Measured = { beforeLabel: before ? `${before.label}, list through @infisical/sdk` : 'not measured' };
    const wanted = (item: Item) => args.only.includes(item);

    if (wanted('rate')) {
      progress(`steady 429 (retry-after ${args.retryAfterS} s) for ${args.windowS} s`);
      measured.rateLimited = await both(now, before, (variant) => scenarios.rateLimited(variant, args.retryAfterS, args.windowS));
    }
    if (wanted('blackhole')) {
      progress(`black-holed refresh, then ${BLACKHOLE_LATER_S} s`);
      measured.blackholed = await both(now, before, (variant) => scenarios.blackholed(variant, BLACKHOLE_LATER_S));
    }
    if (wanted('refused')) {
      progress('refused connections');
      measured.refused = await both(now, before, (variant) => scenarios.refused(variant));
    }
    if (wanted('etag')) {
      // One at a time: CPU is measured here.
      progress(`unchanged refreshes of ${args.size}, ${args.runs} each: 304, full list${before ? ', before build' : ''}`);
      const withEtag = await scenarios.unchanged(now, args.size, true, args.runs);
      const withoutEtag = await scenarios.unchanged(now, args.size, false, args.runs);
      const beforeBuild = before ? await scenarios.unchanged(before, args.size, true, args.runs) : undefined;
      measured.unchanged = { etags: { now: withEtag, compared: withoutEtag }, before: beforeBuild };
    }
    if (wanted('footprint')) measured.footprint = await footprint(now, before, scratch);

    console.log(`\nnestjs-infisical-config request-control bench (node ${process.version}, ${cpus().length} CPUs, ${Math.round((performance.now() - started) / 1000)} s)`);
    console.log(`now: this checkout; before: ${measured.beforeLabel}.\n`);
    console.log(reportTable(measured));
    console.log(`\n${reportNotes(measured).map((note) => `- ${note}`).join('\n')}`);
  } finally {
    if (before) unstage(before);
    if (worktree) {
      progress('removing the worktree');
      try {
        removeWorktree(worktree);
      } catch (error) {
        progress(`could not remove the worktree ${worktree}: ${error instanceof Error ? error.message : error}`);
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('request-control bench failed:', error instanceof Error ? error.message : error);
  killAllChildren();
  process.exit(1);
});
