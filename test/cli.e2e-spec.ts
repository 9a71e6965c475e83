/**
 * The `infisical-config` CLI, built as the package ships it (dist/apps/cli/src/main.js), run as a child
 * process against the local server. Every stdout/stderr goes through the leak guard (test/support/cli.runner.ts):
 * only export's own target may hold a value.
 */
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { parse } from 'dotenv';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCanaries } from './support/leak-scanner.js';
import { buildCli, cliEnv, runCli, startCli } from './support/cli.runner.js';
import { cliSeed, VITE_API_URL, VITE_PUBLIC_KEY } from './support/cli.seed.js';
import { CANARY, CLIENT_ID, CLIENT_SECRET, DB_PASSWORD, OUTSIDER_ID, OUTSIDER_SECRET, PROJECT_ID } from './support/seed.js';

let server: LocalInfisicalServer;
let env: NodeJS.ProcessEnv;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'infisical-cli-'));
  await buildCli();
  server = await LocalInfisicalServer.start({ seed: cliSeed() });
  env = cliEnv({
    INFISICAL_SITE_URL: server.url,
    INFISICAL_PROJECT_ID: PROJECT_ID,
    INFISICAL_ENVIRONMENT: 'dev',
    INFISICAL_CLIENT_ID: CLIENT_ID,
    INFISICAL_CLIENT_SECRET: CLIENT_SECRET,
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const clean = (text: string) => expect(findCanaries(text)).toEqual([]);

describe('infisical-config check', () => {
  it('passes when the site, the login, the token settings and every scope are fine', async () => {
    const result = await runCli(['check', '--env', 'workspace', '--env', 'dev'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('is Infisical (GET /api/status)');
    expect(result.stdout).toContain('logged in with universal-auth');
    expect(result.stdout).toMatch(/TTL 1h, max TTL 30d/);
    expect(result.stdout).toMatch(/scope dev:\/: readable, \d+ secrets/);
    expect(result.stdout).toContain('All checks passed.');
    expect(result.code).toBe(0);
    clean(result.stdout);
  });

  it('reports an empty scope as a problem (exit 1), in JSON when asked', async () => {
    const result = await runCli(['check', '--env', 'empty', '--json'], { env });
    const report = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; checks: { check: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual(expect.objectContaining({ check: 'scope empty:/', status: 'warn' }));
    expect(result.code).toBe(1);
  });

  it('exits 3 with the remedy when the client secret is wrong, and never prints it', async () => {
    const wrong = `${CLIENT_SECRET}-wrong`;
    const result = await runCli(['check'], { env: { ...env, INFISICAL_CLIENT_SECRET: wrong } });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('FAIL  login: HTTP 401');
    expect(result.stdout).toMatch(/remedy: Check the client secret of the machine identity \(INFISICAL_CLIENT_SECRET\)/);
    expect(result.stdout + result.stderr).not.toContain(wrong);
    clean(result.stdout + result.stderr);
  });

  it('warns when the token TTL equals its max TTL, and exits 3 when a scope is refused', async () => {
    const result = await runCli(['check'], { env: { ...env, INFISICAL_CLIENT_ID: OUTSIDER_ID, INFISICAL_CLIENT_SECRET: OUTSIDER_SECRET } });
    expect(result.stdout).toMatch(/WARN  token: access token TTL \(\w+\) equals its max TTL: every renewal fails/);
    expect(result.stdout).toMatch(/FAIL  scope dev:\/: HTTP 403/);
    expect(result.code).toBe(3);
    clean(result.stdout + result.stderr);
  });

  it('exits 3 when nothing answers, and 2 on a configuration error', async () => {
    const unreachable = await runCli(['check', '--site-url', 'http://127.0.0.1:1'], { env });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stdout).toContain('ECONNREFUSED');
    const missing = await runCli(['check'], { env: { ...env, INFISICAL_PROJECT_ID: undefined } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('INFISICAL_PROJECT_ID is not set');
    const usage = await runCli(['check', '--no-such-flag'], { env });
    expect(usage.code).toBe(2);
  });

  it('prints help with the exit codes on every command', async () => {
    for (const args of [['--help'], ['check', '--help']]) {
      const result = await runCli(args, { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Exit codes:');
    }
  });
});

describe('infisical-config export', () => {
  it('writes the VITE_* values to a 0600 file for a Vite build, and prints none', async () => {
    const out = join(scratch, 'admin', '.env.production.local');
    const result = await runCli(['export', '--only', 'VITE_*', '--out', out], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('wrote 2 keys to');
    clean(result.stdout + result.stderr);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(out, 'utf8'))).toEqual({ VITE_API_URL, VITE_PUBLIC_KEY });
  });

  it('emits json and shell to stdout only with --stdout, merged as the module does, without INFISICAL_* or the client secret', async () => {
    const json = await runCli(['export', '--format', 'json', '--stdout', '--env', 'workspace', '--env', 'dev'], { env: { ...env, INFISICAL_CACHE_KEY: undefined }, leakAllowed: true });
    expect(json.code).toBe(0);
    const values = JSON.parse(json.stdout) as Record<string, string>;
    expect(values).toMatchObject({ DB_PASSWORD, DB_HOST: 'dev-db', LOG_LEVEL: 'info', VITE_API_URL });
    expect(values.DB_URL).toBe(`postgres://app:${DB_PASSWORD}@dev-db/app`);
    expect(Object.keys(values).filter((key) => key.startsWith('INFISICAL_'))).toEqual([]);
    expect(json.stdout).not.toContain(CLIENT_SECRET);

    const shell = await runCli(['export', '--format', 'shell', '--stdout', '--only', 'DB_*'], { env, leakAllowed: true });
    expect(shell.code).toBe(0);
    expect(shell.stdout).toContain(`export DB_PASSWORD='${DB_PASSWORD}'`);
    expect(shell.stdout).not.toContain('VITE_');
    clean(shell.stderr);
  });

  it('never exports a secret named INFISICAL_* stored in Infisical', async () => {
    server.setSecret(PROJECT_ID, 'server', '/', 'INFISICAL_CLIENT_SECRET', CLIENT_SECRET);
    try {
      const result = await runCli(['export', '--format', 'json', '--stdout', '--env', 'server'], { env, leakAllowed: true });
      expect(JSON.parse(result.stdout)).not.toHaveProperty('INFISICAL_CLIENT_SECRET');
      expect(result.stdout).not.toContain(CLIENT_SECRET);
    } finally {
      server.deleteSecret(PROJECT_ID, 'server', '/', 'INFISICAL_CLIENT_SECRET');
    }
  });

  it('needs --out or --stdout (exit 2), and exits 1 when no key matches', async () => {
    expect((await runCli(['export'], { env })).code).toBe(2);
    const none = await runCli(['export', '--only', 'NOTHING_*', '--stdout'], { env });
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
  });
});

describe('infisical-config run', () => {
  /** A child that writes its environment to a file (not to the output), says ready, and exits 42 on SIGTERM. */
  const childScript = () => {
    const script = join(scratch, 'child.mjs');
    writeFileSync(
      script,
      [
        "import { writeFileSync } from 'node:fs';",
        'writeFileSync(process.argv[2], JSON.stringify(process.env));',
        "process.on('SIGTERM', () => process.exit(42));",
        "process.stdout.write('ready\\n');",
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    return script;
  };

  it('starts the command with the secrets, without the client secret, forwards SIGTERM and exits with its code', async () => {
    const envFile = join(scratch, 'child-env.json');
    const { child, done } = startCli(['run', '--', process.execPath, childScript(), envFile], { env: { ...env, DB_HOST: 'from-shell' } });
    await new Promise<void>((resolveReady) => child.stdout?.on('data', (chunk: string) => chunk.includes('ready') && resolveReady()));
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(42);
    const childEnv = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    expect(childEnv.DB_PASSWORD).toBe(DB_PASSWORD);
    expect(childEnv.VITE_API_URL).toBe(VITE_API_URL);
    expect(childEnv.DB_HOST).toBe('dev-db'); // override: Infisical wins
    expect(childEnv).not.toHaveProperty('INFISICAL_CLIENT_SECRET');
    expect(Object.values(childEnv)).not.toContain(CLIENT_SECRET);
    clean(result.stdout + result.stderr);
  });

  it('keeps variables already set with --process-env preserve, passes credentials only when asked', async () => {
    const envFile = join(scratch, 'child-env-preserve.json');
    const script = join(scratch, 'dump.mjs');
    writeFileSync(script, "import { writeFileSync } from 'node:fs'; writeFileSync(process.argv[2], JSON.stringify(process.env));");
    const result = await runCli(['run', '--process-env', 'preserve', '--pass-credentials', '--', process.execPath, script, envFile], { env: { ...env, DB_HOST: 'from-shell' } });
    expect(result.code).toBe(0);
    const childEnv = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    expect(childEnv.DB_HOST).toBe('from-shell');
    expect(childEnv.DB_PASSWORD).toBe(DB_PASSWORD);
    expect(childEnv.INFISICAL_CLIENT_SECRET).toBe(CLIENT_SECRET);
  });

  it('--watch restarts the child with the new values when a secret changes in Infisical, and still forwards SIGTERM', async () => {
    const startsFile = join(scratch, 'starts.log');
    const script = join(scratch, 'watched.mjs');
    writeFileSync(
      script,
      [
        "import { appendFileSync } from 'node:fs';",
        "appendFileSync(process.argv[2], `${process.env.LOG_LEVEL}\\n`);",
        "process.on('SIGTERM', () => process.exit(42));",
        "process.stdout.write('ready\\n');",
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const { child, done } = startCli(['run', '--env', 'server', '--watch', '--watch-interval', '0.2', '--', process.execPath, script, startsFile], { env });
    const starts = () => { try { return readFileSync(startsFile, 'utf8').split('\n').filter(Boolean); } catch { return []; } };
    const waitFor = async (predicate: () => boolean) => {
      for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(predicate()).toBe(true);
    };
    await waitFor(() => starts().length === 1);
    expect(starts()).toEqual(['debug']);
    server.setSecret(PROJECT_ID, 'server', '/', 'LOG_LEVEL', 'trace');
    try {
      await waitFor(() => starts().length === 2);
    } finally {
      server.setSecret(PROJECT_ID, 'server', '/', 'LOG_LEVEL', 'debug'); // as seeded, for the next tests
    }
    expect(starts()).toEqual(['debug', 'trace']);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(42);
    expect(result.stderr).toContain('LOG_LEVEL changed in Infisical: restarting');
    clean(result.stdout + result.stderr);
  });

  it("exits with the child's code, 2 when it cannot start, 3 when Infisical refuses (the child never starts)", async () => {
    expect((await runCli(['run', '--', process.execPath, '-e', 'process.exit(7)'], { env })).code).toBe(7);
    expect((await runCli(['run', '--', 'no-such-command-here'], { env })).code).toBe(2);
    const refused = await runCli(['run', '--', process.execPath, '-e', 'console.log("started")'], { env: { ...env, INFISICAL_CLIENT_SECRET: 'wrong-secret' } });
    expect(refused.code).toBe(3);
    expect(refused.stdout).not.toContain('started');
    expect(refused.stderr).toContain('INFISICAL_CLIENT_SECRET');
  });
});

describe('infisical-config diff', () => {
  const dotenv = (name: string, text: string) => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return path;
  };

  it('counts a value Infisical would trim as the same, ignores the bootstrap variables, and keys only in Infisical as a difference', async () => {
    const file = dotenv('same.env', `VITE_API_URL="${VITE_API_URL}  "\nVITE_PUBLIC_KEY=${VITE_PUBLIC_KEY}\nINFISICAL_CLIENT_ID=${CLIENT_ID}\n`);
    const result = await runCli(['diff', '--file', file, '--only-kept-for-typo'], { env });
    expect(result.code).toBe(2); // an unknown flag is a usage error
    const ok = await runCli(['diff', '--file', file, '--env', 'dev', '--json'], { env });
    const report = JSON.parse(ok.stdout) as Record<string, string[]>;
    expect(report.same).toEqual(['VITE_API_URL', 'VITE_PUBLIC_KEY']);
    expect(report.trimmed).toEqual(['VITE_API_URL']);
    expect(report.ignored).toEqual(['INFISICAL_CLIENT_ID']);
    expect(report.onlyInFile).toEqual([]);
    // Infisical has more keys than the file: that is a difference too.
    expect(report.onlyInInfisical).toEqual(expect.arrayContaining(['DB_PASSWORD', 'API_KEY']));
    expect(ok.code).toBe(1);
  });

  it('names the keys only in the file, only in Infisical and differing, never their values; exit 1', async () => {
    const file = dotenv('differs.env', `LOG_LEVEL=warn\nSERVER_ONLY=server-wrong-${'x'.repeat(8)}\nLOCAL_ONLY=yes\n`);
    const result = await runCli(['diff', '--file', file, '--env', 'server'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/only in file\s+LOCAL_ONLY/);
    expect(result.stdout).toMatch(/differs\s+LOG_LEVEL/);
    expect(result.stdout).toMatch(/differs\s+SERVER_ONLY/);
    expect(result.stdout).toContain('1 only in file, 0 only in Infisical, 2 differ, 0 same');
    expect(result.stdout).not.toContain('warn');
    expect(result.stdout).not.toContain('server-wrong');
    clean(result.stdout + result.stderr);
  });

  it('exits 0 when every key is the same, 2 for a missing file', async () => {
    const file = dotenv('server.env', `LOG_LEVEL=debug\n`);
    const same = await runCli(['diff', '--file', file, '--env', 'server'], { env });
    expect(same.code).toBe(1); // SERVER_ONLY is only in Infisical
    server.deleteSecret(PROJECT_ID, 'server', '/', 'SERVER_ONLY');
    const ok = await runCli(['diff', '--file', file, '--env', 'server'], { env });
    expect(ok.stdout).toContain('0 only in file, 0 only in Infisical, 0 differ, 1 same');
    expect(ok.code).toBe(0);
    expect((await runCli(['diff', '--file', join(scratch, 'missing.env')], { env })).code).toBe(2);
  });
});

describe('infisical-config scan', () => {
  it('finds a planted value in a tracked file by file, line and key, without printing it; exit 1', async () => {
    const repo = join(scratch, 'repo');
    mkdirSync(join(repo, 'src'), { recursive: true });
    writeFileSync(join(repo, 'src', 'config.ts'), `export const host = 'dev-db';\nexport const key = '${VITE_PUBLIC_KEY}';\n`);
    writeFileSync(join(repo, 'README.md'), 'nothing here\n');
    writeFileSync(join(repo, 'untracked.txt'), `${DB_PASSWORD}\n`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    git('init', '-q');
    git('add', 'src/config.ts', 'README.md');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'planted');

    const result = await runCli(['scan', repo], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('src/config.ts:2: VITE_PUBLIC_KEY');
    expect(result.stdout).not.toContain('untracked.txt'); // not tracked by git
    expect(result.stdout).not.toContain('config.ts:1'); // 'dev-db' is shorter than 8 characters
    clean(result.stdout + result.stderr);

    const json = await runCli(['scan', repo, '--json'], { env });
    expect((JSON.parse(json.stdout) as { findings: unknown[] }).findings).toEqual([{ file: 'src/config.ts', line: 2, keys: ['VITE_PUBLIC_KEY'] }]);
  });

  it('exits 0 on a clean repository and 2 outside git', async () => {
    const repo = join(scratch, 'clean-repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'a.txt'), 'nothing secret\n');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', 'a.txt'], { cwd: repo });
    const clean0 = await runCli(['scan', repo], { env });
    expect(clean0.stdout).toContain('No Infisical value found in 1 tracked files.');
    expect(clean0.code).toBe(0);
    const outside = mkdtempSync(join(tmpdir(), 'infisical-cli-nogit-'));
    try {
      expect((await runCli(['scan', outside], { env })).code).toBe(2);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('infisical-config migrate and rollback', () => {
  const targetValues = async () => {
    const result = await runCli(['export', '--format', 'json', '--stdout', '--env', 'target'], { env, leakAllowed: true });
    return JSON.parse(result.stdout) as Record<string, string>;
  };

  it('dry-runs by default, applies after an encrypted backup, is idempotent, and rolls back', async () => {
    const file = join(scratch, 'migrate.env');
    writeFileSync(file, `SAME_KEY="same-${CANARY}  "\nEXISTING_KEY=changed-${CANARY}\nNEW_KEY=new-${CANARY}\nINFISICAL_CLIENT_ID=${CLIENT_ID}\n`);
    const args = ['migrate', '--file', file, '--env', 'target'];
    const keyEnv = { ...env, INFISICAL_CACHE_KEY: randomBytes(32).toString('base64') };

    const dryRun = await runCli(args, { env: keyEnv });
    expect(dryRun.stdout).toContain('would create: NEW_KEY');
    expect(dryRun.stdout).toContain('kept (differs; --overwrite replaces): EXISTING_KEY');
    expect(dryRun.stdout).toContain('same: SAME_KEY'); // Infisical trims values on write
    expect(dryRun.stdout).toContain('ignored (bootstrap variable): INFISICAL_CLIENT_ID');
    expect(dryRun.code).toBe(1); // a differing key is kept
    clean(dryRun.stdout + dryRun.stderr);
    expect(await targetValues()).not.toHaveProperty('NEW_KEY');

    const noKey = await runCli([...args, '--apply'], { env });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('INFISICAL_CACHE_KEY is not set');
    expect(await targetValues()).not.toHaveProperty('NEW_KEY');

    const backup = join(scratch, 'migrate.backup');
    const applied = await runCli([...args, '--apply', '--overwrite', '--backup', backup], { env: keyEnv });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('created: NEW_KEY');
    expect(applied.stdout).toContain('updated: EXISTING_KEY');
    clean(applied.stdout + applied.stderr);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    clean(readFileSync(backup, 'utf8')); // encrypted
    expect(await targetValues()).toEqual({ SAME_KEY: `same-${CANARY}`, EXISTING_KEY: `changed-${CANARY}`, NEW_KEY: `new-${CANARY}` });

    const again = await runCli([...args, '--apply', '--overwrite', '--json'], { env });
    expect(again.code).toBe(0); // nothing to write: no backup needed, no key needed
    expect(JSON.parse(again.stdout)).toMatchObject({ create: [], update: [], same: ['EXISTING_KEY', 'NEW_KEY', 'SAME_KEY'], backup: null });

    const wrongKey = await runCli(['rollback', '--backup', backup], { env: { ...env, INFISICAL_CACHE_KEY: randomBytes(32).toString('base64') } });
    expect(wrongKey.code).toBe(2);
    const rolledBack = await runCli(['rollback', '--backup', backup], { env: keyEnv });
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toContain('deleted: NEW_KEY');
    expect(rolledBack.stdout).toContain('restored: EXISTING_KEY');
    clean(rolledBack.stdout + rolledBack.stderr);
    expect(await targetValues()).toEqual({ SAME_KEY: `same-${CANARY}`, EXISTING_KEY: `existing-${CANARY}` });
  });

  it('creates in batches: fewer create requests than keys', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `BATCH_KEY_${i + 1}`);
    const file = join(scratch, 'batch.env');
    writeFileSync(file, keys.map((key) => `${key}=value-${key}\n`).join(''));
    const keyEnv = { ...env, INFISICAL_CACHE_KEY: randomBytes(32).toString('base64') };
    const backup = join(scratch, 'batch.backup');
    const [batchesBefore, singlesBefore] = [server.requestCount('createSecretsBatch'), server.requestCount('createSecret')];
    const applied = await runCli(['migrate', '--file', file, '--env', 'target', '--apply', '--backup', backup], { env: keyEnv });
    expect(applied.code).toBe(0);
    const createRequests = server.requestCount('createSecretsBatch') - batchesBefore + server.requestCount('createSecret') - singlesBefore;
    expect(createRequests).toBeLessThan(keys.length);
    expect(await targetValues()).toMatchObject(Object.fromEntries(keys.map((key) => [key, `value-${key}`])));
    expect((await runCli(['rollback', '--backup', backup], { env: keyEnv })).code).toBe(0);
    expect(Object.keys(await targetValues()).sort()).toEqual(['EXISTING_KEY', 'SAME_KEY']);
  });
});
