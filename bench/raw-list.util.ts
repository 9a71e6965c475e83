// The bare list call of the local server, without the library: the payload the floors of the refresh
// benches parse (login + GET /api/v3/secrets/raw, the query the module sends).
import { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, PROJECT } from './refresh-shared.js';

export async function rawListBody(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/universal-auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    signal: AbortSignal.timeout(10_000),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const query = `workspaceId=${PROJECT}&environment=${ENVIRONMENT}&secretPath=/&include_imports=true&recursive=false&expandSecretReferences=true&viewSecretValue=true`;
  const list = await fetch(`${url}/api/v3/secrets/raw?${query}`, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(30_000) });
  if (!list.ok) throw new Error(`list secrets answered HTTP ${list.status}`);
  return list.text();
}
