// Child process of refresh.bench: a fixed-concurrency HTTP load against 127.0.0.1, out of the app's event loop.
// Protocol (IPC): { type: 'run', id, url, durationMs, concurrency } -> { id, latencies (ms), errors };
//                 { type: 'close', id } -> { id } and exit. Exits as well when the bench lets go of it.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface RunRequest {
  type: 'run';
  id: number;
  url: string;
  durationMs: number;
  concurrency: number;
}
interface CloseRequest {
  type: 'close';
  id: number;
}

const MAX_ERRORS = 1_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, timeout: 5_000 }, (response) => {
      response.resume();
      response.once('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
      response.once('error', reject);
    });
    request.once('error', reject);
    request.once('timeout', () => request.destroy(new Error('timeout')));
  });
}

async function run({ url, durationMs, concurrency }: RunRequest): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + Math.min(durationMs, 30_000);
  const worker = async () => {
    while (performance.now() < deadline && errors < MAX_ERRORS) {
      const started = performance.now();
      try {
        await get(url);
        latencies.push(Math.round((performance.now() - started) * 1000) / 1000);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, 64)) }, worker));
  return { latencies, errors };
}

process.on('disconnect', () => {
  agent.destroy();
  process.exit(0);
});
process.on('message', (message: RunRequest | CloseRequest) => {
  if (message.type === 'run') {
    void run(message).then((result) => process.send!({ id: message.id, ...result }));
  } else if (message.type === 'close') {
    agent.destroy();
    process.send!({ id: message.id }, () => process.exit(0));
  }
});
process.send!({ type: 'ready' });
