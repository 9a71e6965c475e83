// Child process of cli.bench: one request per secret, as a shell loop over `infisical secrets set` does
// (without its process start per secret): a Universal Auth login, then one sequential
// POST /api/v3/secrets/raw/:name per line of the .env file, with fetch. Started as
// `node cli.loop.child.js FILE ENVIRONMENT` with INFISICAL_SITE_URL, INFISICAL_PROJECT_ID,
// INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET in its environment (never on the command line).
// Prints one JSON line: { created, loopMs } (the time from the login to the last reply). Never a value.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

async function main(): Promise<void> {
  const [file, environment] = process.argv.slice(2);
  const { INFISICAL_SITE_URL: url, INFISICAL_PROJECT_ID: projectId, INFISICAL_CLIENT_ID: clientId, INFISICAL_CLIENT_SECRET: clientSecret } = process.env;
  if (!file || !environment || !url || !projectId || !clientId || !clientSecret) throw new Error('usage: cli.loop.child.js FILE ENVIRONMENT, with the INFISICAL_* variables set');
  // The bench writes plain NAME=value lines.
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  const started = performance.now();
  const login = await fetch(`${url}/api/v1/auth/universal-auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  if (login.status !== 200) throw new Error(`login: HTTP ${login.status}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  let created = 0;
  for (const [name, value] of entries) {
    const reply = await fetch(`${url}/api/v3/secrets/raw/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ workspaceId: projectId, environment, secretPath: '/', secretValue: value, type: 'shared' }),
    });
    await reply.arrayBuffer();
    if (reply.status !== 200) throw new Error(`create ${name}: HTTP ${reply.status}`);
    created += 1;
  }
  process.stdout.write(`${JSON.stringify({ created, loopMs: performance.now() - started })}\n`);
}

main().catch((error: unknown) => {
  console.error('cli.loop.child failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
