// A throwaway redis-server on loopback for fleet.bench (no persistence), and what the bench reads from it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const redisServerInstalled = () => spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class BenchRedis {
  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    private readonly client: Redis,
  ) {}

  static async start(): Promise<BenchRedis> {
    const port = await freePort();
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    for (const deadline = Date.now() + 10_000; ; ) {
      try {
        await client.connect();
        await client.ping();
        break;
      } catch {
        if (Date.now() > deadline || proc.exitCode !== null) {
          proc.kill('SIGKILL');
          throw new Error(`redis-server did not start on port ${port}`);
        }
        client.disconnect();
        await sleep(50);
      }
    }
    return new BenchRedis(proc, port, client);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Empties it between scenarios (each scenario also has its own server URL, hence its own key names). */
  async flush(): Promise<void> {
    await this.client.flushall();
  }

  /** How many times a command ran since the start (INFO commandstats). */
  async commandCount(command: string): Promise<number> {
    const info = await this.client.info('commandstats');
    const match = new RegExp(`cmdstat_${command.toLowerCase()}:calls=(\\d+)`).exec(info);
    return match ? Number(match[1]) : 0;
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGKILL');
    });
  }
}
