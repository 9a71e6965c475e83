import type { OnModuleDestroy } from '@nestjs/common';
import type { ProcessEnvMode } from '../infisical-config.options.js';
import { yieldToEventLoop } from '../loader/yield.util.js';
import type { SecretsDiff } from './snapshot-diff.js';
import type { SecretsSnapshot } from './secrets-snapshot.js';

/**
 * Variables that reconfigure the Node process, its TLS checks, its module loading or its outgoing
 * connections (including the module's own calls to Infisical). Infisical must not be able to set them
 * unless the app allows each by name.
 */
const PROCESS_CONTROL = /^(NODE_OPTIONS|NODE_TLS_REJECT_UNAUTHORIZED|NODE_EXTRA_CA_CERTS|NODE_PATH|NODE_REDIRECT_WARNINGS|NODE_PENDING_DEPRECATION|NODE_V8_COVERAGE|NODE_DEBUG|UV_THREADPOOL_SIZE|PATH|SSL_CERT_FILE|SSL_CERT_DIR|OPENSSL_CONF|LD_[A-Z_]+|DYLD_[A-Z_]+|(HTTPS?|ALL|NO|FTP)_PROXY)$/i;

/** True for a variable that Infisical may not write to `process.env` unless allowed by name. */
export const controlsProcess = (key: string) => PROCESS_CONTROL.test(key);

// Each process.env write is a setenv() that scans the whole environment: a mass rotation is written in
// slices, each at most this long, so the event loop keeps turning.
const SLICE_BUDGET_MS = 8;
const WRITES_PER_CLOCK_CHECK = 32;


/**
 * The only writer of `process.env`, as `processEnv` says:
 * - `override`: every key is written; a removed key gets back what the environment held before the module
 *   first wrote it (a `.env` value, say), so a recovery from a fallback loses nothing a normal boot keeps;
 * - `preserve`: only keys the environment did not hold are written (and updated, and removed);
 * - `skip`: `process.env` is never read or written.
 * Keys that control the process are never written unless allowed.
 */
export class ProcessEnvWriter implements OnModuleDestroy {
  /** What the environment held before the module's first write of each key (undefined: nothing). */
  private readonly before = new Map<string, string | undefined>();
  private closed = false;

  constructor(
    private readonly mode: ProcessEnvMode,
    private readonly allowed: ReadonlySet<string> = new Set(),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Those of `keys` that are kept out of `process.env` because they control the process. */
  withheld(keys: readonly string[]): string[] {
    if (this.mode === 'skip') return [];
    return keys.filter((key) => controlsProcess(key) && !this.allowed.has(key));
  }

  /** Boot: writes every value the mode allows. */
  writeAll(snapshot: SecretsSnapshot): Promise<void> {
    return this.apply(snapshot, { added: snapshot.keys, changed: [], removed: [] });
  }

  /**
   * Makes `process.env` follow `next` for the keys in `diff`, in slices that each block the event loop
   * briefly. Resolves once every key is written; stops at {@link close}.
   */
  async apply(next: SecretsSnapshot, diff: SecretsDiff): Promise<void> {
    if (this.mode === 'skip') return;
    let written = 0;
    let sliceStart = performance.now();
    for (const [keys, removal] of [[diff.added, false], [diff.changed, false], [diff.removed, true]] as const) {
      for (const key of keys) {
        if (this.closed) return;
        if (removal) this.unset(key);
        else this.set(key, next.get(key) as string);
        written += 1;
        if (written % WRITES_PER_CLOCK_CHECK === 0 && performance.now() - sliceStart > SLICE_BUDGET_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
    }
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** After shutdown nothing more is written. */
  close(): void {
    this.closed = true;
  }

  private set(key: string, value: string): void {
    if (controlsProcess(key) && !this.allowed.has(key)) return;
    if (!this.before.has(key)) {
      const existing = this.env[key];
      if (this.mode === 'preserve' && existing !== undefined) return; // the environment's own value stays
      this.before.set(key, existing);
    }
    this.env[key] = value;
  }

  private unset(key: string): void {
    if (!this.before.has(key)) return; // never written by the module
    const previous = this.before.get(key);
    this.before.delete(key);
    if (previous === undefined) delete this.env[key];
    else this.env[key] = previous;
  }
}
