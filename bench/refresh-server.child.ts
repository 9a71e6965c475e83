// Child process of refresh.bench: runs the local Infisical server out of the bench's event loop, so the
// server's own JSON work never counts against the library. Started with `fork(file, [size])`.
// Protocol (IPC, JSON): -> { type: 'ready', url } once listening; then answers, by id:
//   { type: 'rotate', id }  every value gets a new generation   -> { id, gen }
//   { type: 'ping', id }    nothing changes (same IPC round trip) -> { id }
//   { type: 'autoRotate', id, on }  on: rotate now, then again right after every list request is served,
//                           so back-to-back refreshes each see new values without IPC in between -> { id }
//   { type: 'close', id }   closes the server and exits            -> { id }
// Values never leave this process (only keys counts and generation numbers do).
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, keyName, PROJECT } from './refresh-shared.js';

interface Request {
  type: 'rotate' | 'ping' | 'autoRotate' | 'close';
  id: number;
  on?: boolean;
}

const size = Number(process.argv[2]);
if (!Number.isInteger(size) || size <= 0 || size > 100_000) {
  console.error(`refresh-server.child: bad size ${process.argv[2]}`);
  process.exit(2);
}

// A realistic-looking value of ~40 characters; the generation suffix changes every value on rotate.
const valueOf = (index: number, gen: number) => `${'s'.repeat(28)}-${index.toString(36)}-g${gen}`;

async function main(): Promise<void> {
  const secrets: Record<string, string> = {};
  for (let i = 1; i <= size; i++) secrets[keyName(i)] = valueOf(i, 0);
  const server = await LocalInfisicalServer.start({
    seed: {
      identities: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, projects: [PROJECT] }],
      projects: { [PROJECT]: { environments: { [ENVIRONMENT]: { '/': { secrets } } } } },
    },
    loginLockout: false,
  });
  let gen = 0;
  const rotate = () => {
    gen += 1;
    for (let i = 1; i <= size; i++) server.setSecret(PROJECT, ENVIRONMENT, '/', keyName(i), valueOf(i, gen));
  };
  // Polls the list-request counter (public API); a list reply is built synchronously, so a rotation here
  // lands after that reply and long before the next request of a back-to-back refresh.
  let autoRotate: NodeJS.Timeout | undefined;
  let listsSeen = 0;
  const stopAutoRotate = () => {
    clearInterval(autoRotate);
    autoRotate = undefined;
  };
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    stopAutoRotate();
    await server.close();
    process.exit(code);
  };
  // The bench died or let go of us: do not linger.
  process.on('disconnect', () => void shutdown(0));

  process.on('message', (message: Request) => {
    switch (message.type) {
      case 'rotate':
        rotate();
        process.send!({ id: message.id, gen });
        break;
      case 'autoRotate':
        stopAutoRotate();
        if (message.on) {
          rotate();
          listsSeen = server.requestCount('listSecrets');
          autoRotate = setInterval(() => {
            const lists = server.requestCount('listSecrets');
            if (lists === listsSeen) return;
            listsSeen = lists;
            rotate();
          }, 1);
        }
        process.send!({ id: message.id, gen });
        break;
      case 'ping':
        process.send!({ id: message.id });
        break;
      case 'close':
        stopAutoRotate();
        void server.close().then(() => {
          process.send!({ id: message.id }, () => process.exit(0));
        });
        break;
    }
  });
  process.send!({ type: 'ready', url: server.url });
}

main().catch((error) => {
  console.error('refresh-server.child failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
