import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { CliError, EXIT } from './exit-codes.js';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** How long a child stopped for a restart may take before it is killed. */
const STOP_GRACE_MS = 10_000;

const exitCodeOf = (code: number | null, signal: NodeJS.Signals | null) => code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);

/**
 * Runs one child at a time: forwards SIGINT/SIGTERM/SIGHUP to it, restarts it on demand (SIGTERM, then
 * SIGKILL after a grace period), and resolves `done` with the exit code of the child that ended on its
 * own or after a forwarded signal.
 */
export class ChildSupervisor {
  private child: ChildProcess | undefined;
  private restarting = false;
  private signalled = false;
  private resolveDone!: (code: number) => void;
  private rejectDone!: (error: Error) => void;
  readonly done: Promise<number>;

  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    for (const signal of FORWARDED) process.on(signal, this.forward);
    void this.done.catch(() => undefined).finally(() => this.detach());
  }

  /** True once a signal was forwarded: the CLI is stopping, no more restarts. */
  get stopping(): boolean {
    return this.signalled;
  }

  start(env: NodeJS.ProcessEnv): void {
    const child = spawn(this.command, this.args, { env, stdio: 'inherit' });
    this.child = child;
    child.on('error', (error: NodeJS.ErrnoException) => {
      this.rejectDone(new CliError(`cannot start ${this.command}: ${error.code ?? error.message}`, EXIT.usage));
    });
    child.on('exit', (code, signal) => {
      if (this.child === child && !this.restarting) this.resolveDone(exitCodeOf(code, signal));
    });
  }

  /** Stops the current child and starts another with `env`. */
  async restart(env: NodeJS.ProcessEnv): Promise<void> {
    const child = this.child;
    if (!child || this.signalled) return;
    this.restarting = true;
    try {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      if (!this.signalled) this.start(env);
    } finally {
      this.restarting = false;
    }
    // A signal that arrived during the restart: the old child got it; stop here with its code.
    if (this.signalled && this.child === child) this.resolveDone(exitCodeOf(child.exitCode, child.signalCode));
  }

  private readonly forward = (signal: NodeJS.Signals) => {
    this.signalled = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  };

  private detach(): void {
    for (const signal of FORWARDED) process.off(signal, this.forward);
  }
}
