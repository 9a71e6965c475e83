// The `infisical-config` CLI (dist/apps/cli/src/main.js, as the package's bin runs it) against the local
// Infisical server, in one run:
//   1. `migrate --apply` of N keys (default 1,000) from a .env file into an empty environment: wall time of
//      the CLI process (node start-up included) and the requests the server saw, per route; vs one request
//      per secret, as a shell loop over `infisical secrets set` does: a login, then N sequential
//      single-secret creates (POST /api/v3/secrets/raw/:name) with fetch, in a node process of its own
//      (bench/cli.loop.child.ts), timed the same way (spawn to exit) and counted. Also a dry run of the same
//      file (login + list, no writes), so the write phase shows apart. Each round writes into fresh empty
//      environments, the order alternating; medians over the rounds.
//   2. `run` start-up overhead: spawn of `node main.js run -- node -e "process.exit(0)"` until exit, vs
//      spawn of `node -e "process.exit(0)"`; interleaved (the order alternates), median and p90.
// The server runs in a child process (bench/cli.server.child.ts). Values, the client secret and the backup
// key are random per run and never printed; a failing CLI's stderr is shown with them masked.
// Run: npm run build && node dist/bench/cli.bench.js [--keys N] [--rounds N] [--runs N]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CLI_BENCH_CLIENT_ID, CLI_BENCH_PROJECT, loopEnvironment, migrateEnvironment, RUN_ENVIRONMENT, type CliServerCounts } from './cli.server.child.js';
import { IpcChild, killAllChildren } from './ipc-child.js';
import { median, percentile } from './stats.util.js';
import { WRITE_BATCH_SIZE } from '../apps/cli/src/infisical-writes.client.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/bench/cli.bench.js -> dist/apps/cli/src/main.js */
const CLI_MAIN = resolve(here, '../apps/cli/src/main.js');
const SERVER_CHILD = join(here, 'cli.server.child.js');
const LOOP_CHILD = join(here, 'cli.loop.child.js');
/** Secrets in the scope `run` reads (a small app's worth). */
const RUN_SECRETS = 20;

interface Args {
  keys: number;
  rounds: number;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { keys: 1_000, rounds: 3, runs: 15 };
  const positive = (flag: string, value: string | undefined) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${flag}: a positive integer, got ${value}`);
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--keys') args.keys = positive(flag, argv[++i]);
    else if (flag === '--rounds') args.rounds = positive(flag, argv[++i]);
    else if (flag === '--runs') args.runs = positive(flag, argv[++i]);
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

const progress = (text: string) => process.stderr.write(`cli bench: ${text}\n`);
const secretValue = () => `${randomBytes(18).toString('base64url')}-bench`;

/** Replaces every known secret in `text` (for a failing CLI's stderr: the CLI never prints values, but). */
function masked(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out.slice(0, 2_000);
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Spawns and times until exit (`exit`, not `close`: the pipes' draining is not the process's time). */
function timedSpawn(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; collect?: boolean }): Promise<Exit> {
  return new Promise((resolveExit, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', options.collect ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let ms = 0;
    child.once('exit', () => (ms = performance.now() - started));
    child.once('error', reject);
    child.once('close', (code, signal) => resolveExit({ code, signal, ms, stdout, stderr }));
  });
}

/** The CLI's bootstrap variables only: nothing of this process's own INFISICAL_* (as test/support/cli.runner.ts). */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C', ...extra };
}

/** With an environment, `created` is how many secrets it holds (batch creates are not counted per secret). */
async function counts(server: IpcChild, environment?: string): Promise<CliServerCounts> {
  return (await server.call({ type: 'counts', ...(environment === undefined ? {} : { environment }) })).counts as CliServerCounts;
}

const routes = (c: CliServerCounts) =>
  Object.entries(c.byRoute)
    .map(([route, n]) => `${route} ${n.toLocaleString('en-US')}`)
    .join(', ');

interface MigrateRound {
  ms: number;
  counts: CliServerCounts;
}

/** `migrate --apply` of the file into an empty environment. */
async function migrateRound(server: IpcChild, env: NodeJS.ProcessEnv, file: string, scratch: string, round: number, keys: number, secrets: string[], apply: boolean): Promise<MigrateRound> {
  await server.call({ type: 'reset' });
  const args = ['migrate', '--file', file, '--env', migrateEnvironment(round), '--json', ...(apply ? ['--apply', '--backup', join(scratch, `migrate-${round}.backup`)] : [])];
  const result = await timedSpawn(process.execPath, [CLI_MAIN, ...args], { env, cwd: scratch, collect: true });
  const seen = await counts(server, migrateEnvironment(round));
  if (result.code !== 0) throw new Error(`migrate exited ${result.code ?? result.signal}: ${masked(result.stderr, secrets)}`);
  const plan = JSON.parse(result.stdout) as { create: string[] };
  if (plan.create.length !== keys || seen.created !== (apply ? keys : 0)) throw new Error(`migrate created ${plan.create.length} (server: ${seen.created}), expected ${keys}`);
  return { ms: result.ms, counts: seen };
}

/** bench/cli.loop.child.ts: a login, then one create per secret, sequential, in a node process of its own. */
async function loopRound(server: IpcChild, env: NodeJS.ProcessEnv, file: string, scratch: string, round: number, keys: number, secrets: string[]): Promise<MigrateRound & { loopMs: number }> {
  await server.call({ type: 'reset' });
  const result = await timedSpawn(process.execPath, [LOOP_CHILD, file, loopEnvironment(round)], { env, cwd: scratch, collect: true });
  const seen = await counts(server, loopEnvironment(round));
  if (result.code !== 0) throw new Error(`loop exited ${result.code ?? result.signal}: ${masked(result.stderr, secrets)}`);
  const { created, loopMs } = JSON.parse(result.stdout) as { created: number; loopMs: number };
  if (created !== keys || seen.created !== keys) throw new Error(`loop created ${created} (server: ${seen.created}), expected ${keys}`);
  return { ms: result.ms, loopMs, counts: seen };
}

interface RunStartup {
  cli: number[];
  node: number[];
  requestsPerRun: CliServerCounts;
}

async function runStartup(server: IpcChild, env: NodeJS.ProcessEnv, scratch: string, runs: number, secrets: string[]): Promise<RunStartup> {
  const nodeArgs = ['-e', 'process.exit(0)'];
  const cliArgs = [CLI_MAIN, 'run', '--', process.execPath, ...nodeArgs];
  const bare = cliEnv({});
  // One warm-up each (file system cache), not measured.
  await timedSpawn(process.execPath, nodeArgs, { env: bare, cwd: scratch });
  await timedSpawn(process.execPath, cliArgs, { env, cwd: scratch });
  await server.call({ type: 'reset' });
  const cli: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (['node', 'cli'] as const) : (['cli', 'node'] as const);
    for (const which of order) {
      const result = which === 'cli' ? await timedSpawn(process.execPath, cliArgs, { env, cwd: scratch }) : await timedSpawn(process.execPath, nodeArgs, { env: bare, cwd: scratch });
      if (result.code !== 0) throw new Error(`${which} exited ${result.code ?? result.signal}: ${masked(result.stderr, secrets)}`);
      (which === 'cli' ? cli : node).push(result.ms);
    }
  }
  const seen = await counts(server);
  const perRun: CliServerCounts = {
    total: seen.total / runs,
    created: 0,
    byRoute: Object.fromEntries(Object.entries(seen.byRoute).map(([route, n]) => [route, n / runs])),
  };
  return { cli, node, requestsPerRun: perRun };
}

const ms = (value: number) => `${value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 1 : 0 })} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b >= 100 ? 0 : 2)}x`;
const int = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  const clientSecret = `client-secret-${randomBytes(16).toString('hex')}`;
  const cacheKey = randomBytes(32).toString('base64');
  const runValues = Array.from({ length: RUN_SECRETS }, secretValue);
  const entries: [string, string][] = Array.from({ length: args.keys }, (_, i) => [`MIGRATE_KEY_${String(i + 1).padStart(5, '0')}`, secretValue()]);
  const secrets = [clientSecret, cacheKey, ...runValues, ...entries.map(([, value]) => value)];
  const { child: server } = await IpcChild.start(SERVER_CHILD, { args: [String(args.rounds)], cwd: scratch });
  try {
    const { url } = (await server.call({ type: 'seed', clientSecret, values: runValues })) as unknown as { url: string };
    const base = { INFISICAL_SITE_URL: url, INFISICAL_PROJECT_ID: CLI_BENCH_PROJECT, INFISICAL_CLIENT_ID: CLI_BENCH_CLIENT_ID, INFISICAL_CLIENT_SECRET: clientSecret };
    const file = join(scratch, '.env');
    writeFileSync(file, entries.map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });

    const migrateEnv = cliEnv({ ...base, INFISICAL_ENVIRONMENT: 'dev', INFISICAL_CACHE_KEY: cacheKey });
    const migrate: MigrateRound[] = [];
    const dryRun: MigrateRound[] = [];
    const loop: (MigrateRound & { loopMs: number })[] = [];
    for (let round = 1; round <= args.rounds; round++) {
      progress(`round ${round}/${args.rounds}: migrate dry run, migrate --apply of ${args.keys} keys, ${args.keys} single creates (order alternating)`);
      dryRun.push(await migrateRound(server, migrateEnv, file, scratch, round, args.keys, secrets, false));
      const applyIt = async () => migrate.push(await migrateRound(server, migrateEnv, file, scratch, round, args.keys, secrets, true));
      const loopIt = async () => loop.push(await loopRound(server, cliEnv(base), file, scratch, round, args.keys, secrets));
      if (round % 2 === 1) {
        await applyIt();
        await loopIt();
      } else {
        await loopIt();
        await applyIt();
      }
    }
    progress(`run start-up, ${args.runs} each, interleaved`);
    const run = await runStartup(server, cliEnv({ ...base, INFISICAL_ENVIRONMENT: RUN_ENVIRONMENT }), scratch, args.runs, secrets);

    const migrateMs = median(migrate.map((r) => r.ms));
    const loopMs = median(loop.map((r) => r.ms));
    const loopInnerMs = median(loop.map((r) => r.loopMs));
    const dryMs = median(dryRun.map((r) => r.ms));
    const d = dryRun[dryRun.length - 1].counts;
    const m = migrate[migrate.length - 1].counts;
    const l = loop[loop.length - 1].counts;
    const cliMedian = median(run.cli);
    const nodeMedian = median(run.node);
    const cliP90 = percentile(run.cli, 90);
    const nodeP90 = percentile(run.node, 90);
    const keys = args.keys.toLocaleString('en-US');

    console.log(`\ninfisical-config CLI bench (node ${process.version}, ${cpus().length} CPUs, ${Math.round((performance.now() - started) / 1000)} s; local server in its own process)\n`);
    console.log('| measure | value | ratio |');
    console.log('| --- | --- | --- |');
    console.log(`| \`migrate --apply\`, ${keys} keys into an empty environment vs ${keys} sequential single-secret creates over HTTP (login + fetch loop in a node process), spawn to exit, median of ${args.rounds} | ${ms(migrateMs)} vs ${ms(loopMs)} | ${ratio(migrateMs, loopMs)} |`);
    console.log(`| the same: HTTP requests the server saw | ${int(m.total)} (${routes(m)}) vs ${int(l.total)} (${routes(l)}) | ${ratio(m.total, l.total)} |`);
    console.log(`| write phase: migrate --apply minus its dry run (${ms(dryMs)}: ${routes(d)}) vs the loop from login to last reply | ${ms(migrateMs - dryMs)} vs ${ms(loopInnerMs)} | ${ratio(migrateMs - dryMs, loopInnerMs)} |`);
    console.log(`| the same, per secret | ${((migrateMs - dryMs) / args.keys).toFixed(3)} ms vs ${(loopInnerMs / args.keys).toFixed(3)} ms | |`);
    console.log(`| \`run -- node -e "process.exit(0)"\` vs \`node -e "process.exit(0)"\`, spawn to exit, median of ${args.runs} (interleaved) | ${ms(cliMedian)} vs ${ms(nodeMedian)} | ${ratio(cliMedian, nodeMedian)} |`);
    console.log(`| the same, p90 | ${ms(cliP90)} vs ${ms(nodeP90)} | ${ratio(cliP90, nodeP90)} |`);
    console.log(`| \`run\` overhead (median difference) | ${ms(cliMedian - nodeMedian)} | |`);
    console.log(`| HTTP requests per \`run\` (scope of ${RUN_SECRETS} secrets) | ${int(run.requestsPerRun.total)} (${routes(run.requestsPerRun)}) | |`);
    console.log(`\n- rounds (spawn to exit): migrate --apply ${migrate.map((r) => ms(r.ms)).join(', ')}; dry run ${dryRun.map((r) => ms(r.ms)).join(', ')}; loop ${loop.map((r) => ms(r.ms)).join(', ')}.`);
    const logins = m.byRoute.login ?? 0;
    console.log(`- migrate writes its creates in batches of up to ${WRITE_BATCH_SIZE} keys, sequentially (apps/cli/src/infisical-writes.client.ts: \`createMany\`, POST /api/v3/secrets/batch/raw), after one list of the target folder.`);
    if (logins > 1) console.log(`- migrate logged in ${int(logins)} times for ${keys} writes: it should reuse one login (InfisicalSource.usableToken()).`);
    console.log(`- A real shell loop over \`infisical secrets set\` also starts a process per secret; the loop here does not, so it is the loop's lower bound.`);
  } finally {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('cli bench failed:', error instanceof Error ? error.message : error);
  killAllChildren();
  process.exit(1);
});
