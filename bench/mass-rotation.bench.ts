// Mass rotation (issue 12): with the default options and the README's wiring, the longest event-loop block
// during a refresh in which every value rotated, with and without a `.env` holding the same keys, 'skip'
// beside it; cost per secret at each size; CPU against floors measured in the same process; get(); RSS
// over 100 rotations; cache rewrites; how long ConfigService and process.env take to show the new values.
// Every scenario runs in an app child of its own (fresh process.env, its own working directory and .env),
// and the local Infisical server in a child of that one, so only the library's work lands on the measured
// event loop. With --before, the same scenarios run against another checkout, interleaved with this one's.
//
// Run: npm run build && node dist/bench/mass-rotation.bench.js [options]
//   --before DIR       also measure the checkout in DIR (built: DIR/dist), e.g. a worktree of the previous
//                      commit; the app child is copied next to its dist and imports its build
//   --after DIR        measure the checkout in DIR instead of this one's dist (a worktree of a commit, when
//                      the working tree holds edits in progress); its local server serves both
//   --sizes 1000,...   secret counts (default 1000,10000,50000)
//   --timeout S        longest run of one scenario (default 150); a stopped one shows as "> N s"
//   --profile          also profile one 10,000-key rotation (default options, this checkout) with --cpu-prof
//   --only KINDS       comma-separated scenario kinds to run: rotation, cache, profile (default: all asked for)
//   --json FILE        also write every raw figure to FILE
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { selfTimeInWindow } from './cpu-profile.util.js';
import { benchFile, IpcChild, killAllChildren } from './ipc-child.js';
import { printReport, type Measured, type Profiled, type VariantName } from './mass-rotation.report.js';
import type { ChildEvent, Scenario, ScenarioKind, ScenarioResult } from './mass-rotation.types.js';

/** Files the app child needs, all in dist/bench; copied together for another checkout. */
const CHILD_FILES = [
  'mass-rotation.child.js',
  'block-detector.js',
  'ipc-child.js',
  'mass-rotation.types.js',
  'raw-list.util.js',
  'refresh-shared.js',
  'refresh-server.child.js',
  'stats.util.js',
];
const STAGED_DIR = 'bench-mass-rotation';
const SLOW_MS = 20_000;

interface Variant {
  name: VariantName;
  childFile: string;
  serverFile: string;
}

interface Args {
  before?: string;
  after?: string;
  sizes: number[];
  timeoutMs: number;
  profile: boolean;
  only?: ScenarioKind[];
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: [1_000, 10_000, 50_000], timeoutMs: 150_000, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--before') args.before = resolve(argv[++i]);
    else if (flag === '--after') args.after = resolve(argv[++i]);
    else if (flag === '--sizes') args.sizes = argv[++i].split(',').map(Number);
    else if (flag === '--timeout') args.timeoutMs = Number(argv[++i]) * 1000;
    else if (flag === '--profile') args.profile = true;
    else if (flag === '--only') args.only = argv[++i].split(',') as ScenarioKind[];
    else if (flag === '--json') args.json = resolve(argv[++i]);
    else throw new Error(`unknown option ${flag}`);
  }
  if (args.sizes.some((size) => !Number.isInteger(size) || size <= 0 || size > 99_999)) throw new Error('--sizes: integers from 1 to 99999');
  return args;
}

/** Copies the app child next to another checkout's dist, so it imports that build ('nestjs-infisical-config'). */
function stage(name: VariantName, root: string): Variant {
  if (!existsSync(join(root, 'dist/libs/infisical-config/src/index.js'))) throw new Error(`--${name} ${root}: no build there (run npm run build in it)`);
  const dir = join(root, 'dist', STAGED_DIR);
  mkdirSync(dir, { recursive: true });
  for (const file of CHILD_FILES) copyFileSync(benchFile(`./${file}`), join(dir, file));
  return { name, childFile: join(dir, 'mass-rotation.child.js'), serverFile: join(dir, 'refresh-server.child.js') };
}

const unstage = (root: string | undefined) => root && rmSync(join(root, 'dist', STAGED_DIR), { recursive: true, force: true });

/** Counts per size: enough samples for a max and a median, within minutes at 50,000. */
function counts(size: number): Pick<Scenario, 'rotated' | 'unchanged' | 'converge' | 'floorRuns'> {
  if (size <= 2_000) return { rotated: 10, unchanged: 10, converge: 3, floorRuns: 5 };
  if (size <= 20_000) return { rotated: 5, unchanged: 5, converge: 3, floorRuns: 3 };
  return { rotated: 2, unchanged: 3, converge: 1, floorRuns: 2 };
}

function plan(args: Args, serverScript: string): Scenario[] {
  const base = { getCalls: false, rssRotations: 0, slowMs: SLOW_MS, serverScript, workDir: '' };
  const scenarios: Scenario[] = [];
  for (const size of args.sizes) {
    for (const dotenv of [false, true]) {
      for (const processEnv of ['override', 'skip'] as const) {
        scenarios.push({
          ...base,
          ...counts(size),
          kind: 'rotation',
          size,
          processEnv,
          dotenv,
          getCalls: size === 1_000 && processEnv === 'override',
          rssRotations: size === 1_000 && !dotenv ? 100 : 0,
        });
      }
    }
  }
  const none = { rotated: 0, unchanged: 0, converge: 0, floorRuns: 0 };
  scenarios.push({ ...base, ...none, kind: 'cache', size: 10_000, processEnv: 'override', dotenv: false });
  return scenarios.filter((scenario) => !args.only || args.only.includes(scenario.kind));
}

const label = (s: Scenario) => `${s.kind} ${s.size.toLocaleString('en-US')} ${s.processEnv}${s.dotenv ? ' +.env' : ''}`;

/** One scenario in a fresh app child; stopped after the timeout with what it had reported so far. */
async function runScenario(variant: Variant, scenario: Scenario, timeoutMs: number, execArgv: string[] = []): Promise<ScenarioResult> {
  let partial: ScenarioResult = { rotated: [], unchanged: [], converge: [], problems: [] };
  let step = { step: 'start', at: Date.now() };
  const onEvent = (message: Record<string, unknown>) => {
    const event = message as unknown as ChildEvent;
    if (event.type === 'step') step = event;
    else if (event.type === 'partial') partial = event.result;
  };
  const started = performance.now();
  // Made and removed here: a child stopped at the timeout cannot clean up after itself.
  const workDir = mkdtempSync(join(tmpdir(), 'mass-rotation-'));
  const { child } = await IpcChild.start(variant.childFile, { execArgv: ['--expose-gc', ...execArgv], onEvent });
  try {
    const reply = await child.call({ type: 'run', scenario: { ...scenario, workDir } }, timeoutMs);
    await child.exited;
    return reply.result as ScenarioResult;
  } catch (error) {
    child.kill();
    await child.exited;
    const timedOut = error instanceof Error && error.message.includes('did not answer');
    const stopped = { step: step.step, afterMs: Date.now() - step.at };
    if (!timedOut) partial.problems.push(error instanceof Error ? error.message : String(error));
    return { ...partial, stopped };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    process.stderr.write(`  ${variant.name.padEnd(6)} ${label(scenario).padEnd(32)} ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

/**
 * One 10,000-key app under `node --cpu-prof` per processEnv mode: self time within the window of a rotated
 * refresh and of an unchanged one, top 8 each.
 */
async function profile(variant: Variant, processEnv: Scenario['processEnv'], timeoutMs: number): Promise<Profiled[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-rotation-prof-'));
  try {
    const scenario: Scenario = {
      kind: 'profile', size: 10_000, processEnv, dotenv: false, rotated: 0, unchanged: 0, converge: 0,
      floorRuns: 0, getCalls: false, rssRotations: 0, slowMs: SLOW_MS, serverScript: variant.serverFile, workDir: '',
    };
    const result = await runScenario(variant, scenario, timeoutMs, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100']);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    const windows = Object.entries(result.profileWindowsUs ?? {});
    const what = (kind: string) => `one ${kind} refresh of 10,000, ${processEnv === 'override' ? 'default options' : 'skip'}`;
    if (!file || !windows.length) return [{ what: what('rotated'), problem: `no profile (${result.problems.join('; ') || 'no window'})` }];
    const root = resolve(variant.childFile, '../../..');
    return windows.map(([kind, window]) => ({ what: what(kind), summary: selfTimeInWindow(join(dir, file), window, root) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const here: Variant = { name: 'after', childFile: benchFile('./mass-rotation.child.js'), serverFile: benchFile('./refresh-server.child.js') };
  const variants: Variant[] = [args.after ? stage('after', args.after) : here];
  if (args.before) variants.push(stage('before', args.before));
  const measured: Measured[] = [];
  process.stderr.write(`mass-rotation bench: ${variants.map((v) => `${v.name} (${v.childFile})`).join(' + ')}, sizes ${args.sizes.join(', ')}\n`);
  try {
    for (const scenario of plan(args, variants[0].serverFile)) {
      // Interleaved: drift in the machine's load hits both checkouts alike.
      for (const variant of variants) measured.push({ variant: variant.name, scenario, result: await runScenario(variant, scenario, args.timeoutMs) });
    }
    const profiled: Profiled[] = [];
    if (args.profile || args.only?.includes('profile')) {
      for (const mode of ['override', 'skip'] as const) profiled.push(...(await profile(variants[0], mode, args.timeoutMs)));
    }
    if (args.json) writeFileSync(args.json, JSON.stringify({ measured, profiled }, null, 1));
    printReport({ measured, profiled, timeoutMs: args.timeoutMs, seconds: (performance.now() - started) / 1000, withBefore: variants.length > 1 });
  } finally {
    unstage(args.after);
    unstage(args.before);
  }
}

main().catch((error) => {
  console.error('mass-rotation bench failed:', error instanceof Error ? error.message : error);
  killAllChildren();
  process.exit(1);
});
