/**
 * Leak guard, loaded for every test file (jest.config.ts `setupFilesAfterEnv`).
 *
 * While a file runs, everything the code under test writes goes through `scanForLeaks`
 * (test/support/leak-scanner.ts), which looks for the planted values (the seed's CANARY, and any value a test
 * adds with addCanary):
 * - `process.stdout.write` / `process.stderr.write` (Nest's ConsoleLogger, any stray write);
 * - `console.*`;
 * and, for the end-to-end files under test/:
 * - every Nest log line, through the harness's LogCapture (which otherwise writes nowhere);
 * - every error a Nest app fails to boot with (E2eHarness.boot, so also bootError);
 * - every HTTP reply a test fetches from an app (health payloads, metrics pages, /secrets/*), but not the
 *   local Infisical server's own replies, which carry the secrets by design;
 * - what InfisicalConfigService.status(), refresh(), getOrThrow() errors and InfisicalHealthIndicator
 *   return, whoever calls them.
 * Tests feed anything else with `scanForLeaks.record(payload, 'where')`; `scanForLeaks.mute(fn)` keeps a
 * deliberate leak off the terminal (still scanned).
 *
 * A finding fails the test that produced it (root afterEach, after every describe's afterEach has closed
 * its apps), or the file (afterAll, for beforeAll/afterAll hooks). Only calls made by code running in the
 * test file's context are seen: Jest's reporter writes through the stream methods it bound before this
 * file ran, so its report about a failing test (which may quote a value) is never scanned.
 * Every wrapper is removed in afterAll; nothing here starts a timer or opens a handle.
 */
import { describeFindings, scanForLeaks } from './leak-scanner.js';

type Restore = () => void;
const restores: Restore[] = [];
let consoleDepth = 0;

/**
 * Replaces `target[name]` by `wrap(original)` until afterAll; restores only if still ours. A method that is
 * gone (renamed in the library) is skipped, so the other channels keep working, and `channel` is missing
 * from scanForLeaks.installedChannels(), which test/leak-guard.e2e-spec.ts checks.
 */
function wrapMethod<T extends object, K extends keyof T>(channel: string, target: T, name: K, wrap: (original: T[K]) => T[K]): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  scanForLeaks.channelInstalled(channel);
  const hadOwn = Object.prototype.hasOwnProperty.call(target, name);
  const wrapper = wrap(original);
  target[name] = wrapper;
  restores.push(() => {
    if (target[name] !== wrapper) return; // someone wrapped it after us: leave theirs in place
    if (hadOwn) target[name] = original;
    else delete target[name];
  });
}

function record(payload: unknown, channel: string): void {
  try {
    scanForLeaks.record(payload, channel);
  } catch {
    // the guard must never break the code under test
  }
}

// ---- process.stdout / process.stderr -------------------------------------------------------------------
// The streams outlive the file (Jest runs files one after another in this process with --detectOpenHandles):
// a wrapper left behind by a file that could not reach its afterAll is turned into a pass-through.
const DEACTIVATE = Symbol.for('infisical-config.leak-guard.deactivate');
type GuardedStream = NodeJS.WriteStream & { [DEACTIVATE]?: () => void };
for (const streamName of ['stdout', 'stderr'] as const) {
  const stream = process[streamName] as GuardedStream;
  stream[DEACTIVATE]?.();
  let active = true;
  const deactivate = () => (active = false);
  stream[DEACTIVATE] = deactivate;
  restores.push(() => {
    active = false;
    if (stream[DEACTIVATE] === deactivate) delete stream[DEACTIVATE];
  });
  wrapMethod(`process.${streamName}.write`, stream, 'write', (original) =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      // console.* below already recorded this text (Jest's verbose console writes through here)
      if (active && consoleDepth === 0) record(chunk, `process.${streamName}`);
      if (active && scanForLeaks.muted) {
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        if (done) process.nextTick(done);
        return true;
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write,
  );
}

// ---- console ---------------------------------------------------------------------------------------------
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group', 'groupCollapsed', 'assert'] as const;
for (const method of CONSOLE_METHODS) {
  wrapMethod(`console.${method}`, console, method, (original) =>
    function (this: Console, ...args: unknown[]) {
      record(method === 'assert' ? args.slice(1) : args, `console.${method}`);
      if (scanForLeaks.muted) return undefined;
      consoleDepth += 1;
      try {
        return (original as (...parts: unknown[]) => void).apply(this, args);
      } finally {
        consoleDepth -= 1;
      }
    } as Console[typeof method],
  );
}

// ---- end-to-end files: Nest logs, boot errors, HTTP replies, the library's status and health ---------------
const testPath = expect.getState().testPath ?? '';
// (the e2e specs, and the leak guard's own fixture under test/support)
if (/[\\/]test[\\/]([^\\/]+\.e2e-spec|support[\\/]leak-[^\\/]+)\.ts$/.test(testPath)) await installE2eChannels();

async function installE2eChannels(): Promise<void> {
  // One at a time: Jest's ESM loader can fail a module that two concurrent imports share ("not in cache").
  const { LogCapture } = await import('./log-capture.js');
  const { E2eHarness } = await import('./boot.js');
  const testing = await import('nestjs-infisical-config/testing');
  const library = await import('nestjs-infisical-config');

  for (const level of ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const) {
    wrapMethod(`LogCapture.${level}`, LogCapture.prototype, level, (original) =>
      function (this: InstanceType<typeof LogCapture>, message: unknown, ...rest: unknown[]) {
        record([message, ...rest], `Nest logger (${level})`);
        return original.call(this, message, ...rest);
      },
    );
  }

  type E2eHarnessInstance = typeof E2eHarness.prototype;
  wrapMethod('E2eHarness.boot', E2eHarness.prototype, 'boot', (original) =>
    async function (this: E2eHarnessInstance, ...args: Parameters<typeof original>) {
      try {
        return await original.apply(this, args);
      } catch (error) {
        record(error, 'error thrown at boot');
        throw error;
      }
    },
  );

  // The local Infisical server's replies hold the secrets on purpose: remember where it listens.
  const infisicalOrigins = new Set<string>();
  const { LocalInfisicalServer } = testing;
  wrapMethod('LocalInfisicalServer.start', LocalInfisicalServer, 'start', (original) =>
    async function (this: typeof LocalInfisicalServer, ...args: Parameters<typeof original>) {
      const server = await original.apply(this, args);
      infisicalOrigins.add(new URL(server.url).origin);
      return server;
    },
  );

  wrapMethod('fetch', globalThis, 'fetch', (original) =>
    async function (input: string | URL | Request, init?: RequestInit) {
      const response = await original(input, init);
      try {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (!infisicalOrigins.has(url.origin)) {
          const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
          record(await response.clone().text(), `HTTP ${method} ${url.pathname} (${response.status})`);
        }
      } catch (error) {
        record(error, 'HTTP reply that could not be read');
      }
      return response;
    },
  );

  const { InfisicalConfigService, InfisicalHealthIndicator } = library;
  wrapMethod('InfisicalConfigService.status', InfisicalConfigService.prototype, 'status', (original) =>
    function (this: InstanceType<typeof InfisicalConfigService>, ...args: Parameters<typeof original>) {
      const status = original.apply(this, args);
      record(status, 'InfisicalConfigService.status()');
      return status;
    },
  );
  wrapMethod('InfisicalConfigService.refresh', InfisicalConfigService.prototype, 'refresh', (original) =>
    async function (this: InstanceType<typeof InfisicalConfigService>) {
      const outcome = await original.call(this);
      record(outcome, 'InfisicalConfigService.refresh() outcome');
      return outcome;
    },
  );
  wrapMethod('InfisicalConfigService.getOrThrow', InfisicalConfigService.prototype, 'getOrThrow', (original) =>
    function (this: InstanceType<typeof InfisicalConfigService>, key: string) {
      try {
        return original.call(this, key);
      } catch (error) {
        record(error, 'InfisicalConfigService.getOrThrow() error');
        throw error;
      }
    },
  );
  wrapMethod('InfisicalHealthIndicator.isHealthy', InfisicalHealthIndicator.prototype, 'isHealthy', (original) =>
    function (this: InstanceType<typeof InfisicalHealthIndicator>, ...args: Parameters<typeof original>) {
      const result = original.apply(this, args);
      record(result, 'InfisicalHealthIndicator.isHealthy()');
      return result;
    },
  );
}

// ---- verdict ---------------------------------------------------------------------------------------------
afterEach(() => {
  const findings = scanForLeaks.take();
  if (findings.length > 0) throw new Error(describeFindings(findings, 'during this test'));
});

afterAll(() => {
  try {
    const findings = scanForLeaks.take();
    if (findings.length > 0) throw new Error(describeFindings(findings, 'in a beforeAll/afterAll hook of this file'));
  } finally {
    for (const restore of restores.splice(0).reverse()) restore();
  }
});
