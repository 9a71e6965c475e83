// A bench child process driven over IPC: requests answered by id, plus messages the child sends on its own
// (progress events). Shared by every bench that drives a child (local servers, apps under test).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Reply {
  id?: number;
  type?: string;
  [field: string]: unknown;
}

export interface ChildOptions {
  args?: string[];
  /** Working directory of the child. */
  cwd?: string;
  /** Node flags of the child (not inherited: a bench's own --expose-gc stays with the bench). */
  execArgv?: string[];
  /** Messages without an id (progress events), in order. */
  onEvent?: (message: Reply) => void;
  startTimeoutMs?: number;
}

const running = new Set<ChildProcess>();

/** Last resort of a watchdog or a failed bench: no child outlives it. */
export function killAllChildren(): void {
  for (const proc of running) proc.kill('SIGKILL');
}

/** A file next to this one (dist/bench, or wherever the bench files were copied with it). */
export const benchFile = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export class IpcChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string | null>;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly name: string,
    onEvent: ((message: Reply) => void) | undefined,
  ) {
    proc.on('message', (message: Reply) => {
      if (message.id === undefined) return onEvent?.(message);
      this.waiting.get(message.id)?.resolve(message);
      this.waiting.delete(message.id);
    });
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
    // A child that dies answers nothing more: fail its callers now rather than at their timeouts.
    void this.exited.then((how) => {
      for (const { reject } of this.waiting.values()) reject(new Error(`${name} exited (${String(how)}) before answering`));
      this.waiting.clear();
    });
  }

  /** Forks `file` (an absolute path) and waits for its first message, `{ type: 'ready', ... }`. */
  static start(file: string, options: ChildOptions = {}): Promise<{ child: IpcChild; ready: Reply }> {
    const proc = fork(file, options.args ?? [], { cwd: options.cwd, execArgv: options.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    const name = file.split('/').pop() ?? file;
    const startTimeoutMs = options.startTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${startTimeoutMs / 1000} s`));
      }, startTimeoutMs);
      const early = (code: number | null) => reject(new Error(`${name} exited early (code ${code})`));
      proc.once('exit', early);
      proc.once('message', (ready: Reply) => {
        clearTimeout(timer);
        proc.off('exit', early);
        resolve({ child: new IpcChild(proc, name, options.onEvent), ready });
      });
    });
  }

  call(message: Record<string, unknown>, timeoutMs = 30_000): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name} did not answer '${String(message.type)}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.proc.send({ ...message, id });
    });
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }

  /** Asks the child to close; kills it if it does not go within 5 s. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await this.call({ type: 'close' }, 5_000).catch(() => this.kill());
    await Promise.race([this.exited, sleep(5_000).then(() => this.kill())]);
  }
}
