// Child process of cli.bench: the local Infisical server, out of the bench's event loop, so the bench's own
// HTTP loop and the server never share a thread. Started with `fork(file, [rounds, runSecrets])`; the
// identity's client secret and the `run` scope's values come over IPC (never on a command line).
// Protocol (IPC): <- { type: 'seed', id, clientSecret, values: string[] }  -> { type: 'ready', id, url }
//   <- { type: 'counts', id, environment? } -> { id, counts: CliServerCounts } (the counters right then;
//      with an environment, `created` is how many secrets its root folder holds, read after the counters)
//   <- { type: 'reset', id }    zeroes the counters -> { id }
//   <- { type: 'close', id }    closes the server and exits -> { id }
// Values never leave this process.
import { pathToFileURL } from 'node:url';
import { LocalInfisicalServer, type LocalInfisicalRoute, type LocalInfisicalSeed } from 'nestjs-infisical-config/testing';

export const CLI_BENCH_PROJECT = 'proj-cli-bench';
export const CLI_BENCH_CLIENT_ID = 'identity-cli-bench';
/** Empty environments, one per round: `migrate-<n>` for the CLI, `loop-<n>` for the one-request-per-secret loop. */
export const migrateEnvironment = (round: number) => `migrate-${round}`;
export const loopEnvironment = (round: number) => `loop-${round}`;
/** The scope `run` reads. */
export const RUN_ENVIRONMENT = 'run';

const ROUTES: LocalInfisicalRoute[] = ['login', 'renew', 'listSecrets', 'getSecret', 'createSecret', 'updateSecret', 'deleteSecret', 'createSecretsBatch', 'updateSecretsBatch', 'status'];

export interface CliServerCounts {
  total: number;
  byRoute: Partial<Record<LocalInfisicalRoute, number>>;
  created: number;
}

interface Request {
  type: 'seed' | 'counts' | 'reset' | 'close';
  id: number;
  clientSecret?: string;
  values?: string[];
  environment?: string;
}

/**
 * The counters, then (with an environment) the secrets its root holds, read over HTTP: batch creates leave
 * no per-secret count. The read adds a login and a list to the counters; every measurement resets first.
 */
async function counts(server: LocalInfisicalServer, clientSecret: string, environment?: string): Promise<CliServerCounts> {
  const byRoute: Partial<Record<LocalInfisicalRoute, number>> = {};
  for (const route of ROUTES) {
    const seen = server.requestCount(route);
    if (seen > 0) byRoute[route] = seen;
  }
  const total = server.requestCount();
  if (environment === undefined) return { total, byRoute, created: server.replyCount('createSecret', 200) };
  const login = await fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: CLI_BENCH_CLIENT_ID, clientSecret }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const query = new URLSearchParams({ workspaceId: CLI_BENCH_PROJECT, environment, secretPath: '/', viewSecretValue: 'false' });
  const list = await fetch(`${server.url}/api/v3/secrets/raw?${query}`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (!list.ok) throw new Error(`listing ${environment} answered ${list.status}`);
  const { secrets } = (await list.json()) as { secrets: unknown[] };
  return { total, byRoute, created: secrets.length };
}

function seedOf(rounds: number, clientSecret: string, values: string[]): LocalInfisicalSeed {
  const environments: LocalInfisicalSeed['projects'][string]['environments'] = {};
  for (let round = 1; round <= rounds; round++) {
    environments[migrateEnvironment(round)] = { '/': { secrets: {} } };
    environments[loopEnvironment(round)] = { '/': { secrets: {} } };
  }
  environments[RUN_ENVIRONMENT] = { '/': { secrets: Object.fromEntries(values.map((value, i) => [`RUN_KEY_${i + 1}`, value])) } };
  return {
    identities: [{ clientId: CLI_BENCH_CLIENT_ID, clientSecret, projects: [CLI_BENCH_PROJECT] }],
    projects: { [CLI_BENCH_PROJECT]: { environments } },
  };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2]);
  if (!Number.isInteger(rounds) || rounds <= 0 || rounds > 100) throw new Error(`bad rounds ${process.argv[2]}`);
  let server: LocalInfisicalServer | undefined;
  let clientSecret = '';
  const exit = () => void (server ? server.close() : Promise.resolve()).then(() => process.exit(0));
  process.on('disconnect', exit);
  process.on('message', (request: Request) => {
    const reply = (fields: Record<string, unknown> = {}) => process.send!({ ...fields, id: request.id });
    switch (request.type) {
      case 'seed':
        clientSecret = request.clientSecret!;
        return void LocalInfisicalServer.start({ seed: seedOf(rounds, request.clientSecret!, request.values ?? []), loginLockout: false }).then((started) => {
          server = started;
          reply({ type: 'ready', url: started.url });
        });
      case 'counts':
        return void counts(server!, clientSecret, request.environment).then((seen) => reply({ counts: seen }));
      case 'reset':
        server!.resetRequestCounts();
        return reply();
      case 'close':
        return void (server ? server.close() : Promise.resolve()).then(() => process.send!({ id: request.id }, () => process.exit(0)));
    }
  });
  process.send!({ type: 'started' });
}

// Only when forked (the bench imports the names above).
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('cli.server.child failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
