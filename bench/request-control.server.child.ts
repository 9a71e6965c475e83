// Child process of request-control.bench: the local Infisical server, out of the apps' processes, so its
// work never counts against them and it can go away (connections refused) while an app keeps running.
// Started with `fork(file, [size, 'etags' | 'no-etags'])`.
// Protocol (IPC): -> { type: 'ready', url }
//   <- { type: 'fault', id, route, fault } adds a fault         -> { id, counts } (the counters right then)
//   <- { type: 'counts', id }                                   -> { id, counts: ServerCounts }
//   <- { type: 'stop', id }   stops listening, closes every connection; the process stays -> { id }
//   <- { type: 'close', id }  stops and exits                   -> { id }
// Values never leave this process.
import { LocalInfisicalServer, type LocalInfisicalFault, type LocalInfisicalRoute } from 'nestjs-infisical-config/testing';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, keyName, PROJECT } from './refresh-shared.js';
import type { ServerCounts } from './request-control.types.js';

interface Request {
  type: 'fault' | 'counts' | 'stop' | 'close';
  id: number;
  route?: LocalInfisicalRoute | '*';
  fault?: LocalInfisicalFault;
}

const size = Number(process.argv[2]);
const etags = process.argv[3] !== 'no-etags';
if (!Number.isInteger(size) || size <= 0 || size > 100_000) {
  console.error(`request-control.server.child: bad size ${process.argv[2]}`);
  process.exit(2);
}

/** A value of ~40 characters, like a real secret's. */
const valueOf = (index: number) => `${'v'.repeat(32)}-${index.toString(36)}`;

function counts(server: LocalInfisicalServer): ServerCounts {
  return {
    requests: server.requestCount(),
    lists: server.requestCount('listSecrets'),
    lists200: server.replyCount('listSecrets', 200),
    lists304: server.replyCount('listSecrets', 304),
    openConnections: server.openConnections(),
  };
}

async function main(): Promise<void> {
  const secrets: Record<string, string> = {};
  for (let i = 1; i <= size; i++) secrets[keyName(i)] = valueOf(i);
  const server = await LocalInfisicalServer.start({
    seed: {
      identities: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, projects: [PROJECT] }],
      projects: { [PROJECT]: { environments: { [ENVIRONMENT]: { '/': { secrets } } } } },
    },
    loginLockout: false,
    etags,
  });
  const exit = () => void server.close().then(() => process.exit(0));
  process.on('disconnect', exit);
  process.on('message', (request: Request) => {
    const reply = (fields: Record<string, unknown> = {}) => process.send!({ ...fields, id: request.id });
    switch (request.type) {
      case 'fault':
        server.injectFault(request.route!, request.fault!);
        return reply({ counts: counts(server) });
      case 'counts':
        return reply({ counts: counts(server) });
      case 'stop':
        return void server.close().then(() => reply());
      case 'close':
        return void server.close().then(() => process.send!({ id: request.id }, () => process.exit(0)));
    }
  });
  process.send!({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  console.error('request-control.server.child failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
