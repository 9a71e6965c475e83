// Child process of fleet.bench: the local Infisical server, out of the replicas' processes so its work
// never counts against them. Started with `fork(file, [size])`: KEY_00001..KEY_<size> plus ROTATED_KEY.
// Protocol (IPC): -> { type: 'ready', url }
//   <- { type: 'counts', id }              -> { id, lists, requests }
//   <- { type: 'set', id, key, value }     one secret changes (no webhook is registered: nothing is delivered) -> { id }
//   <- { type: 'rotateAll', id, gen }      every KEY_ value becomes valueOf(i, gen)   -> { id }
//   <- { type: 'rotateOne', id, gen }      KEY_00001 only becomes valueOf(1, gen)      -> { id }
//   <- { type: 'close', id }               -> { id }, then exits
// Values never leave this process but for what the bench itself sent.
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, keyName, PROJECT, ROTATED_KEY, valueOf } from './fleet.shared.js';

interface Request {
  type: 'counts' | 'set' | 'rotateAll' | 'rotateOne' | 'close';
  id: number;
  key?: string;
  value?: string;
  gen?: number;
}

const size = Number(process.argv[2]);
if (!Number.isInteger(size) || size < 0 || size > 100_000) {
  console.error(`fleet.server.child: bad size ${process.argv[2]}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const secrets: Record<string, string> = { [ROTATED_KEY]: 'initial-value-of-the-bench' };
  for (let i = 1; i <= size; i++) secrets[keyName(i)] = valueOf(i, 0);
  const server = await LocalInfisicalServer.start({
    seed: {
      identities: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, projects: [PROJECT] }],
      projects: { [PROJECT]: { environments: { [ENVIRONMENT]: { '/': { secrets } } } } },
    },
    loginLockout: false,
  });
  const exit = () => void server.close().then(() => process.exit(0));
  process.on('disconnect', exit);
  process.on('message', (request: Request) => {
    const reply = (fields: Record<string, unknown> = {}) => process.send!({ ...fields, id: request.id });
    switch (request.type) {
      case 'counts':
        return reply({ lists: server.requestCount('listSecrets'), requests: server.requestCount() });
      case 'set':
        server.setSecret(PROJECT, ENVIRONMENT, '/', request.key!, request.value!);
        return reply();
      case 'rotateAll':
        for (let i = 1; i <= size; i++) server.setSecret(PROJECT, ENVIRONMENT, '/', keyName(i), valueOf(i, request.gen!));
        return reply();
      case 'rotateOne':
        server.setSecret(PROJECT, ENVIRONMENT, '/', keyName(1), valueOf(1, request.gen!));
        return reply();
      case 'close':
        return void server.close().then(() => process.send!({ id: request.id }, () => process.exit(0)));
    }
  });
  process.send!({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  console.error('fleet.server.child failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
