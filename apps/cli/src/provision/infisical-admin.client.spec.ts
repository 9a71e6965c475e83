import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { resolveInfisicalOptions } from '../../../../libs/infisical-config/src/options/resolve-options.js';
import { InfisicalSource } from '../../../../libs/infisical-config/src/source/infisical.source.js';
import { CliError, EXIT } from '../exit-codes.js';
import { AdminCallError, InfisicalAdminClient, PermissionRefusedError } from './infisical-admin.client.js';

const SECRET = 'admin-client-spec-secret';

/** The admin client over real HTTP: how refusals, rate limits and other failures reach the user. */
describe('InfisicalAdminClient', () => {
  let server: LocalInfisicalServer;
  const open: Array<{ close(): void }> = [];

  const clientFor = (clientId: string, onWait?: (seconds: number) => void) => {
    const options = resolveInfisicalOptions({ siteUrl: server.url, projectId: 'unused', scopes: [{ environment: 'unused' }], auth: { clientId, clientSecret: SECRET } }, {});
    const source = new InfisicalSource(options);
    const client = new InfisicalAdminClient(server.url, [], source, onWait);
    open.push(client, source);
    return client;
  };

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({
      seed: {
        identities: [
          { clientId: 'admin', clientSecret: SECRET, organizationRole: 'admin', projects: [] },
          { clientId: 'outsider', clientSecret: SECRET, organizationRole: 'no-access', projects: [] },
        ],
        projects: {},
      },
    });
  });

  afterEach(() => {
    server.clearFaults();
    for (const item of open.splice(0)) item.close();
  });

  afterAll(() => server.close());

  it('turns the ForbiddenError of a refused project creation into the missing organization permission', async () => {
    const refusal = await clientFor('outsider').createProject('not-allowed', 'not-allowed').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PermissionRefusedError);
    expect((refusal as PermissionRefusedError).missing).toBe('organization permission "create" on "workspace"');
    expect((refusal as Error).message).toContain("Infisical refused to create project not-allowed: missing organization permission \"create\" on \"workspace\" (server: You don't have permission to create a project).");
    expect((refusal as Error).message).toContain('Admin organization role');
  });

  it('names the permission of a PermissionDenied refusal', async () => {
    const refusal = await clientFor('outsider').listIdentities(server.organizationId).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PermissionRefusedError);
    expect((refusal as PermissionRefusedError).missing).toBe('organization permission "read" on "identity"');
  });

  it("waits out a 429 for its retry-after, says so, then makes the call once more", async () => {
    const waits: number[] = [];
    const before = server.requestCount('createProject');
    server.injectFault('createProject', { kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    const project = await clientFor('admin', (seconds) => waits.push(seconds)).createProject('after-a-wait', 'after-a-wait');
    expect(project.name).toBe('after-a-wait');
    expect(waits).toEqual([1]);
    expect(server.requestCount('createProject') - before).toBe(2);
  });

  it('revokes a client secret it issued: that secret logs in no more', async () => {
    const client = clientFor('admin');
    const identity = { id: await client.createIdentity(server.organizationId, 'revoked-app', 'no-access'), name: 'revoked-app' };
    const { clientId } = await client.attachUniversalAuth(identity, 3600, 86_400);
    const issued = await client.createClientSecret(identity, 'spec');
    const login = () => fetch(`${server.url}/api/v1/auth/universal-auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, clientSecret: issued.secret }) });
    expect((await login()).status).toBe(200);
    await client.revokeClientSecret(identity, issued.id);
    expect((await login()).status).toBe(401);
  });

  it('cuts a rate-limit wait short when told to stop, as interrupted', async () => {
    server.injectFault('createProject', { kind: 'status', status: 429, retryAfterSeconds: 60, times: 1 });
    const stop = new AbortController();
    const client = clientFor('admin', () => stop.abort());
    client.stopWaitingOn(stop.signal);
    const failure = await client.createProject('never-made', 'never-made').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).exitCode).toBe(EXIT.interrupted);
    expect((failure as Error).message).toBe('interrupted while waiting to create project never-made');
  });

  it('reports any other failure with what it was doing and the status', async () => {
    server.injectFault('createProject', { kind: 'status', status: 500 });
    const failure = await clientFor('admin').createProject('broken', 'broken').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AdminCallError);
    expect((failure as AdminCallError).status).toBe(500);
    expect((failure as Error).message).toMatch(/^cannot create project broken: /);
  });
});
