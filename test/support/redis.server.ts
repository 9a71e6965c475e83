import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** Whether `redis-server` is installed (`.ci/run` installs it with apt-get). */
export const redisServerInstalled = () => spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A real Redis on loopback for one test file: no persistence, stopped and restarted on demand. */
export class LocalRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<LocalRedis> {
    const redis = new LocalRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again, on the same port) and waits until it answers. */
  async restart(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const client = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.connect();
        await client.ping();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
        client.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    client.disconnect();
  }

  /** Kills it, as a crash would. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Every key and its content as text, to scan for plaintext. */
  async dump(): Promise<string> {
    const client = new Redis(this.port, '127.0.0.1');
    try {
      const keys = await client.keys('*');
      const parts = [keys.join('\n')];
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
        else if (type === 'string') parts.push((await client.get(key)) ?? '');
      }
      return parts.join('\n');
    } finally {
      client.disconnect();
    }
  }
}
