import { ConsoleLogger, Logger, type INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfisicalConfigService } from 'nestjs-infisical-config';
import { AppModule } from '../apps/server/src/app.module.js';
import { E2eHarness } from './support/boot.js';
import { addCanary, describeFindings, findCanaries, scanForLeaks } from './support/leak-scanner.js';
import { CANARY, CLIENT_ID, CLIENT_SECRET, DB_PASSWORD, PROJECT_ID } from './support/seed.js';
import { LeakyBootModule, LeakyHttpModule } from './support/leaky.fixtures.js';

/*
 * The test of the leak guard (test/support/leak-setup.ts, loaded for every file): values leaked on purpose
 * are found on every channel, a clean run finds nothing, and a file that leaks fails.
 */


describe('leak guard: wiring', () => {
  it('wraps every output channel for an e2e file', () => {
    expect(scanForLeaks.installedChannels()).toEqual([
      'process.stdout.write',
      'process.stderr.write',
      ...['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group', 'groupCollapsed', 'assert'].map((method) => `console.${method}`),
      ...['log', 'error', 'warn', 'debug', 'verbose', 'fatal'].map((level) => `LogCapture.${level}`),
      'E2eHarness.boot',
      'LocalInfisicalServer.start',
      'fetch',
      'InfisicalConfigService.status',
      'InfisicalConfigService.refresh',
      'InfisicalConfigService.getOrThrow',
      'InfisicalHealthIndicator.isHealthy',
    ]);
  });
});

const finding = (channel: string, excerpt: string) => ({ channel, canaries: ['CANARY'], excerpt: expect.stringContaining(excerpt) });

describe('leak guard: a value leaked on purpose is found', () => {
  let harness: E2eHarness;

  beforeEach(async () => (harness = await E2eHarness.start()));
  afterEach(async () => {
    await harness.close();
    // Each test took what it leaked on purpose: nothing is left for the guard's verdict.
    expect(scanForLeaks.findings()).toEqual([]);
  });

  it("in a Nest Logger line (the harness's LogCapture)", () => {
    new Logger('Leaky').warn(`connecting with ${DB_PASSWORD}`);
    expect(scanForLeaks.take()).toEqual([finding('Nest logger (warn)', 'connecting with db-password-[CANARY]')]);
    expect(harness.logs.text()).toContain(CANARY); // the capture itself is untouched
  });

  it("in Nest's ConsoleLogger output (process.stdout)", () => {
    scanForLeaks.mute(() => new ConsoleLogger('Leaky').log(`connecting with ${DB_PASSWORD}`));
    expect(scanForLeaks.take()).toEqual([finding('process.stdout', 'connecting with db-password-[CANARY]')]);
  });

  it('in console output, an Error passed to console.error included', () => {
    scanForLeaks.mute(() => {
      console.log('the password is', DB_PASSWORD);
      console.error(new Error('login failed', { cause: new Error(`secret ${CLIENT_SECRET} rejected`) }));
    });
    expect(scanForLeaks.take()).toEqual([
      finding('console.log', 'the password is'),
      finding('console.error', 'secret client-secret-[CANARY] rejected'),
    ]);
  });

  it('in a raw process.stderr write', () => {
    scanForLeaks.mute(() => process.stderr.write(`password=${DB_PASSWORD}\n`));
    expect(scanForLeaks.take()).toEqual([finding('process.stderr', 'password=db-password-[CANARY]')]);
  });

  it('in an error thrown at boot, deep in its cause chain', async () => {
    const error = await harness.bootError([LeakyBootModule]);
    expect(error.message).toBe('could not connect to the database');
    expect(scanForLeaks.take()).toEqual([finding('error thrown at boot', 'password db-password-[CANARY] refused')]);
  });

  it("in an app's HTTP reply", async () => {
    const app: INestApplication = await harness.boot([LeakyHttpModule]);
    await app.listen(0, '127.0.0.1');
    const reply = await fetch(`${await app.getUrl()}/leaky`);
    expect(await reply.json()).toEqual({ token: DB_PASSWORD });
    expect(scanForLeaks.take()).toEqual([finding('HTTP GET /leaky (200)', '{"token":"db-password-[CANARY]"}')]);
  });

  it('in a recorded error: message, stack, cause chain, hidden field, AggregateError, nested object', () => {
    const hidden = new Error('opaque');
    Object.defineProperty(hidden, 'request', { value: { headers: { authorization: `Bearer api-key-${CANARY}` } }, enumerable: false });
    const stackOnly = new Error('clean message');
    stackOnly.stack = `Error: clean message\n    at connect (postgres://app:${DB_PASSWORD}@db/app)`;
    const payloads: unknown[] = [
      new Error('outer', { cause: new Error('middle', { cause: new TypeError(`inner ${DB_PASSWORD}`) }) }),
      hidden,
      stackOnly,
      new AggregateError([new Error('first'), new Error(`second ${DB_PASSWORD}`)], 'all failed'),
      { a: { b: { c: { d: { e: { f: [DB_PASSWORD] } } } } } },
    ];
    for (const payload of payloads) expect(scanForLeaks.record(payload, 'recorded')).toEqual(['CANARY']);
    expect(scanForLeaks.take()).toHaveLength(payloads.length);
  });

  it('encoded: base64 at every alignment, hex, another case, URL-encoded', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      expect(findCanaries(Buffer.from(`${prefix}${DB_PASSWORD}`).toString('base64'))).toEqual(['CANARY (base64)']);
    }
    expect(findCanaries(Buffer.from(DB_PASSWORD).toString('hex').toUpperCase())).toEqual(['CANARY (hex)']);
    expect(findCanaries(DB_PASSWORD.toUpperCase())).toEqual(['CANARY (other case)']);
    expect(findCanaries(`token=${encodeURIComponent(CLIENT_SECRET)}`)).toEqual(['CANARY']);
    expect(findCanaries('canary-5f1e9b2 and 5f1e9b2c')).toEqual([]);
  });

  it('a value added with addCanary (a random cache key) is found too', () => {
    const key = randomBytes(32).toString('base64');
    addCanary('cache key', key);
    expect(scanForLeaks.record(`reading the cache with ${key}`, 'recorded')).toEqual(['cache key']);
    expect(scanForLeaks.take()).toEqual([{ channel: 'recorded', canaries: ['cache key'], excerpt: 'reading the cache with [cache key]' }]);
  });

  it("the local Infisical server's own replies carry the secrets by design, and are not findings", async () => {
    const login = await fetch(`${harness.server.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const list = await fetch(`${harness.server.url}/api/v3/secrets/raw?workspaceId=${PROJECT_ID}&environment=dev&secretPath=/`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(await list.text()).toContain(CANARY);
    expect(scanForLeaks.findings()).toEqual([]);
  });

  it('the verdict names the channel and the planted value, never the value itself', () => {
    scanForLeaks.record(`password=${DB_PASSWORD}`, 'console.log');
    const verdict = describeFindings(scanForLeaks.take(), 'during this test');
    expect(verdict).toBe(
      'Leak guard: a planted secret value reached an output during this test (1 finding):\n' +
        '  - console.log: CANARY\n' +
        '      password=db-password-[CANARY]',
    );
    expect(findCanaries(verdict)).toEqual([]);
  });
});

describe('leak guard: a full boot, refreshes and payloads leave nothing to find', () => {
  let harness: E2eHarness;

  beforeEach(async () => (harness = await E2eHarness.start()));
  afterEach(() => harness.close());

  it('the demo app: boot, GET /health, /secrets/check, /metrics, a rotation, a failed refresh', async () => {
    const scannedBefore = scanForLeaks.scannedCount;
    Object.assign(process.env, harness.bootstrapVariables());
    const app = await harness.boot([AppModule]);
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const statuses: number[] = [];
    const call = async (path: string, method = 'GET') => {
      const reply = await fetch(`${url}${path}`, { method });
      statuses.push(reply.status);
      return reply.text();
    };

    await call('/health');
    await call('/secrets/check');
    await call('/metrics');
    harness.server.setSecret(PROJECT_ID, 'dev', '/', 'DB_PASSWORD', `rotated-${CANARY}`);
    const secrets = app.get(InfisicalConfigService);
    expect(await secrets.refresh()).toEqual({ status: 'applied', diff: { added: [], changed: ['DB_PASSWORD', 'DB_URL'], removed: [] } });
    await call('/secrets/check');
    harness.server.injectFault('listSecrets', { kind: 'status', status: 503 });
    expect(await secrets.refresh()).toEqual({ status: 'failed', reason: expect.stringMatching(/^HTTP 503/) });
    await call('/health');
    await call('/metrics');

    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(harness.logs.text()).toMatch(/Refresh from Infisical failed after \d+ ms \(1 in a row\): HTTP 503/);
    expect(harness.logs.text()).toContain('Database credentials rotated (DB_PASSWORD): reconnecting');
    // Every reply, log line and refresh outcome went through the scanner, and none held a value.
    expect(scanForLeaks.scannedCount - scannedBefore).toBeGreaterThanOrEqual(statuses.length + harness.logs.lines.length);
    expect(scanForLeaks.findings()).toEqual([]);
  });
});

describe('leak guard: a test file that leaks fails (child Jest run of test/support/leak-deliberate.fixture.ts)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'leak-guard-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  interface JestJson {
    numFailedTests: number;
    numPassedTests: number;
    testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>;
  }

  function runFixture(outputFile: string): Promise<{ code: number | null; output: string }> {
    const args = [
      join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config', join(root, 'jest.config.ts'),
      '--testMatch', '**/test/support/leak-deliberate.fixture.ts',
      '--runInBand', '--ci', '--json', `--outputFile=${outputFile}`,
    ];
    const env = { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' };
    return new Promise((resolve) => {
      execFile(process.execPath, args, { cwd: root, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` });
      });
    });
  }

  it('every LEAK test fails naming its channel, the CLEAN test passes, a failing assertion is left to Jest', async () => {
    const outputFile = join(dir, 'result.json');
    const { code } = await runFixture(outputFile);
    expect(code).toBe(1);
    const result = JSON.parse(readFileSync(outputFile, 'utf8')) as JestJson;
    const outcomes = Object.fromEntries(
      result.testResults[0].assertionResults.map(({ title, status, failureMessages }) => {
        const message = failureMessages.join('\n');
        const leakVerdict = /Leak guard: a planted secret value reached an output during this test \(1 finding\):\n {2}- ([^:]+): /.exec(message);
        return [title, { status, leakChannel: leakVerdict?.[1] ?? null, quotesTheValue: message.includes(CANARY) }];
      }),
    );
    expect(outcomes).toEqual({
      'LEAK: a Nest Logger line': { status: 'failed', leakChannel: 'Nest logger (warn)', quotesTheValue: false },
      'LEAK: console.log': { status: 'failed', leakChannel: 'console.log', quotesTheValue: false },
      'LEAK: process.stderr.write': { status: 'failed', leakChannel: 'process.stderr', quotesTheValue: false },
      'LEAK: Nest ConsoleLogger to stdout, base64-encoded': { status: 'failed', leakChannel: 'process.stdout', quotesTheValue: false },
      'LEAK: an error thrown at boot (in its cause)': { status: 'failed', leakChannel: 'error thrown at boot', quotesTheValue: false },
      'LEAK: an HTTP reply': { status: 'failed', leakChannel: 'HTTP GET /leaky (200)', quotesTheValue: false },
      'CLEAN: key names only': { status: 'passed', leakChannel: null, quotesTheValue: false },
      // Jest's own message quotes the value; the guard adds nothing to it
      'ASSERTION: a failing assertion that quotes a value': { status: 'failed', leakChannel: null, quotesTheValue: true },
    });
    expect([result.numFailedTests, result.numPassedTests]).toEqual([7, 1]);
  }, 120_000);
});
