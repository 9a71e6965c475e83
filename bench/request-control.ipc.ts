// The child processes of request-control.bench, driven over IPC: the child's first message says it is
// ready, then every request carries an id and its answer the same id. A child that exits fails its callers
// at once. (Kept to what this bench needs, so its commit stands on its own.)
import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildReply {
  id?: number;
  type?: string;
  [field: string]: unknown;
}

const running = new Set<ChildProcess>();

/** Last resort of a failed bench: no child outlives it. */
export function killRunningChildren(): void {
  for (const proc of running) proc.kill('SIGKILL');
}

export class BenchChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: ChildReply) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly name: string,
  ) {
    proc.on('message', (reply: ChildReply) => {
      if (reply.id === undefined) return;
      this.waiting.get(reply.id)?.resolve(reply);
      this.waiting.delete(reply.id);
    });
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        for (const { reject } of this.waiting.values()) reject(new Error(`${name} exited (${code ?? signal}) before answering`));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  /** Forks `file` (absolute path) in `cwd` and waits for its first message, `{ type: 'ready', ... }`. */
  static start(file: string, options: { args?: string[]; cwd?: string; startTimeoutMs?: number } = {}): Promise<{ child: BenchChild; ready: ChildReply }> {
    const proc = fork(file, options.args ?? [], { cwd: options.cwd, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    const name = file.split('/').pop() ?? file;
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const early = (code: number | null) => reject(new Error(`${name} exited early (code ${code})`));
      const timer = setTimeout(() => {
        proc.off('exit', early);
        proc.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${startTimeoutMs / 1000} s`));
      }, startTimeoutMs);
      proc.once('exit', early);
      proc.once('message', (ready: ChildReply) => {
        clearTimeout(timer);
        proc.off('exit', early);
        resolve({ child: new BenchChild(proc, name), ready });
      });
    });
  }

  call(message: Record<string, unknown>, timeoutMs = 30_000): Promise<ChildReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name} did not answer '${String(message.type)}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle = (done: () => void) => {
        clearTimeout(timer);
        done();
      };
      this.waiting.set(id, { resolve: (reply) => settle(() => resolve(reply)), reject: (error) => settle(() => reject(error)) });
      this.proc.send({ ...message, id });
    });
  }

  /** Asks the child to close; kills it if it has not gone within 5 s. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await this.call({ type: 'close' }, 5_000).catch(() => this.proc.kill('SIGKILL'));
    await Promise.race([this.exited, sleep(5_000).then(() => this.proc.kill('SIGKILL'))]);
  }
}
