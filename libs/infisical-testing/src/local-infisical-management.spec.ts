import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const ORG = 'org-local';

/**
 * `admin`: organization admin, admin of alpha. `member`: organization member, admin of beta.
 * `viewer` and `blind`: viewer and no-access in alpha. `outsider`: no organization access, no project.
 */
const seed = (): LocalInfisicalSeed => ({
  organizationId: ORG,
  identities: [
    { clientId: 'admin', clientSecret: 'admin-secret', name: 'provisioner', organizationRole: 'admin', projects: ['alpha'] },
    { clientId: 'member', clientSecret: 'member-secret', name: 'app', projects: ['beta'] },
    { clientId: 'viewer', clientSecret: 'viewer-secret', projects: ['alpha'], projectRole: 'viewer' },
    { clientId: 'blind', clientSecret: 'blind-secret', projects: ['alpha'], projectRole: 'no-access' },
    { clientId: 'outsider', clientSecret: 'outsider-secret', organizationRole: 'no-access', projects: [] },
  ],
  projects: {
    alpha: {
      name: 'Alpha',
      environments: { dev: { '/': { secrets: { OWN: 'dev' } } }, prod: { '/': { secrets: { SHARED: 'from-prod' } } } },
    },
    beta: { environments: { dev: { '/': { secrets: { B: 'b' } } } } },
  },
});

interface Answer {
  status: number;
  body: Record<string, any>;
  headers: Headers;
}

describe('LocalInfisicalServer: management routes', () => {
  let server: LocalInfisicalServer;
  const tokens = new Map<string, string>();

  beforeEach(async () => {
    server = await LocalInfisicalServer.start({ seed: seed(), webhookDelayMs: 20 });
    tokens.clear();
  });

  afterEach(async () => {
    await server.close();
  });

  const login = async (clientId: string, clientSecret = `${clientId}-secret`): Promise<Answer> => {
    const reply = await fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, clientSecret }),
    });
    return { status: reply.status, body: (await reply.json()) as Record<string, any>, headers: reply.headers };
  };

  const tokenOf = async (clientId: string): Promise<string> => {
    if (!tokens.has(clientId)) tokens.set(clientId, (await login(clientId)).body.accessToken as string);
    return tokens.get(clientId) as string;
  };

  /** One call as `as` (a seeded client id) or with a raw token. */
  const call = async (method: string, path: string, options: { as?: string; token?: string; body?: unknown; query?: Record<string, string> } = {}): Promise<Answer> => {
    const token = options.token ?? (await tokenOf(options.as ?? 'admin'));
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const reply = await fetch(`${server.url}${path}${query}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(options.body !== undefined && { 'content-type': 'application/json' }) },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await reply.text();
    return { status: reply.status, body: text ? (JSON.parse(text) as Record<string, any>) : {}, headers: reply.headers };
  };

  const secretKeys = async (as: string, projectId: string, environment: string, secretPath = '/', includeImports = false) => {
    const answer = await call('GET', '/api/v3/secrets/raw', {
      as,
      query: { workspaceId: projectId, environment, secretPath, include_imports: String(includeImports), recursive: 'false' },
    });
    return {
      status: answer.status,
      own: ((answer.body.secrets ?? []) as Array<{ secretKey: string }>).map((secret) => secret.secretKey),
      imported: ((answer.body.imports ?? []) as Array<{ environment: string; secrets: Array<{ secretKey: string }> }>).map((entry) => [
        entry.environment,
        entry.secrets.map((secret) => secret.secretKey),
      ]),
      body: answer.body,
    };
  };

  const projectId = async (name: string): Promise<string> => {
    const { body } = await call('GET', '/api/v1/workspace');
    return (body.workspaces as Array<{ id: string; name: string }>).find((project) => project.name === name)?.id as string;
  };

  /** A new identity with Universal Auth (TTL 60 s, max 120 s) and one client secret, made by the admin. */
  const withUniversalAuth = async (identityId: string) => {
    const attached = await call('POST', `/api/v1/auth/universal-auth/identities/${identityId}`, { body: { accessTokenTTL: 60, accessTokenMaxTTL: 120 } });
    const secret = await call('POST', `/api/v1/auth/universal-auth/identities/${identityId}/client-secrets`, { body: { description: 'ci' } });
    return { clientId: attached.body.identityUniversalAuth.clientId as string, clientSecret: secret.body.clientSecret as string };
  };

  const newIdentity = async (name: string, role = 'no-access'): Promise<string> =>
    (await call('POST', '/api/v1/identities', { body: { name, organizationId: ORG, role } })).body.identity.id as string;

  describe('projects', () => {
    it('lists the projects the caller is a member of, seeded names and slugs included', async () => {
      expect(server.organizationId).toBe(ORG);
      const { status, body } = await call('GET', '/api/v1/workspace');
      expect(status).toBe(200);
      expect(body.workspaces).toEqual([
        expect.objectContaining({
          id: 'alpha',
          _id: 'alpha',
          name: 'Alpha',
          slug: 'alpha',
          orgId: ORG,
          type: 'secret-manager',
          version: 3,
          environments: [
            { id: expect.any(String), name: 'dev', slug: 'dev' },
            { id: expect.any(String), name: 'prod', slug: 'prod' },
          ],
        }),
      ]);
      const forMember = await call('GET', '/api/v1/workspace', { as: 'member' });
      expect((forMember.body.workspaces as Array<{ id: string }>).map((project) => project.id)).toEqual(['beta']);
    });

    it('answers one project to a member, 403 to a non-member and 404 for an unknown id', async () => {
      expect((await call('GET', '/api/v1/workspace/alpha', { as: 'blind' })).body.workspace).toMatchObject({ id: 'alpha', name: 'Alpha' });
      const stranger = await call('GET', '/api/v1/workspace/beta');
      expect(stranger.status).toBe(403);
      expect(stranger.body).toEqual({
        statusCode: 403,
        error: "Identity is not a member of the specified project with ID 'beta'",
        message: 'You are not allowed to access this resource',
      });
      const unknown = await call('GET', '/api/v1/workspace/nope');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ statusCode: 404, error: 'NotFound', message: "Project with ID 'nope' not found" });
    });

    it('creates a project whose creator is admin, with the default environments', async () => {
      const { status, body } = await call('POST', '/api/v2/workspace', { as: 'member', body: { projectName: 'My App' } });
      expect(status).toBe(200);
      const project = body.project as { id: string; slug: string; orgId: string; environments: unknown[] };
      expect(project.slug).toMatch(/^my-app-[a-z0-9]{4}$/);
      expect(project.orgId).toBe(ORG);
      expect(project.environments).toEqual([
        { id: expect.any(String), name: 'Development', slug: 'dev' },
        { id: expect.any(String), name: 'Staging', slug: 'staging' },
        { id: expect.any(String), name: 'Production', slug: 'prod' },
      ]);
      const members = await call('GET', `/api/v2/workspace/${project.id}/identity-memberships`, { as: 'member' });
      expect(members.body.identityMemberships).toEqual([
        expect.objectContaining({ identity: expect.objectContaining({ name: 'app', authMethods: ['universal-auth'] }), roles: [expect.objectContaining({ role: 'admin' })] }),
      ]);
      expect((await call('GET', '/api/v1/workspace', { as: 'member' })).body.workspaces).toHaveLength(2);
      // the new project takes secrets right away
      expect((await secretKeys('member', project.id, 'staging')).status).toBe(200);
    });

    it('creates no environment with shouldCreateDefaultEnvs: false, and keeps slugs unique', async () => {
      const bare = await call('POST', '/api/v2/workspace', { body: { projectName: 'Bare', slug: 'bare-one', shouldCreateDefaultEnvs: false } });
      expect(bare.body.project).toMatchObject({ name: 'Bare', slug: 'bare-one', environments: [] });
      const taken = await call('POST', '/api/v2/workspace', { body: { projectName: 'Other', slug: 'bare-one' } });
      expect(taken.status).toBe(400);
      expect(taken.body).toEqual({
        statusCode: 400,
        error: 'BadRequest',
        message: 'A project with the slug "bare-one" already exists in your organization. Please choose a different name or slug.',
      });
      const invalid = await call('POST', '/api/v2/workspace', { body: { slug: 'no' } });
      expect(invalid.status).toBe(401);
      expect(invalid.body.error).toBe('ValidationFailure');
      expect((invalid.body.message as Array<{ path: string[]; message: string }>).map((issue) => [issue.path[0], issue.message])).toEqual([
        ['projectName', 'Required'],
        ['slug', 'Slug field must be at least 5 characters'],
      ]);
    });

    it('refuses project creation to an identity without organization access', async () => {
      const refused = await call('POST', '/api/v2/workspace', { as: 'outsider', body: { projectName: 'Nope' } });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ statusCode: 403, error: 'ForbiddenError', message: "You don't have permission to create a project" });
    });

    it('works through @infisical/sdk: projects().create, environments().create, folders().create / listFolders', async () => {
      const sdk = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'admin', clientSecret: 'admin-secret' });
      const project = await sdk.projects().create({ projectName: 'Via SDK', type: 'secret-manager' });
      const environment = await sdk.environments().create({ projectId: project.id, name: 'QA', slug: 'qa' });
      expect(environment).toMatchObject({ name: 'QA', slug: 'qa', position: 4, projectId: project.id });
      const folder = await sdk.folders().create({ projectId: project.id, environment: 'qa', name: 'api', path: '/' });
      expect(folder).toMatchObject({ name: 'api', path: '/api' });
      const folders = await sdk.folders().listFolders({ projectId: project.id, environment: 'qa', path: '/' });
      expect(folders.map((entry) => entry.name)).toEqual(['api']);
    });
  });

  describe('environments', () => {
    it('creates, renames and deletes environments; folders and secrets follow a new slug', async () => {
      const created = await call('POST', '/api/v1/workspace/alpha/environments', { body: { name: 'QA', slug: 'qa', position: 1 } });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        message: 'Successfully created new environment',
        workspace: 'alpha',
        environment: { name: 'QA', slug: 'qa', position: 1, projectId: 'alpha' },
      });
      // position 1 was taken: the others moved down
      expect((await call('GET', '/api/v1/workspace/alpha')).body.workspace.environments.map((environment: { slug: string }) => environment.slug)).toEqual(['qa', 'dev', 'prod']);

      const id = created.body.environment.id as string;
      server.setSecret('alpha', 'qa', '/', 'QA_KEY', 'x');
      const renamed = await call('PATCH', `/api/v1/workspace/alpha/environments/${id}`, { body: { name: 'Testing', slug: 'testing' } });
      expect(renamed.body).toMatchObject({ message: 'Successfully updated environment', environment: { id, name: 'Testing', slug: 'testing' } });
      expect((await secretKeys('admin', 'alpha', 'testing')).own).toEqual(['QA_KEY']);

      const deleted = await call('DELETE', `/api/v1/workspace/alpha/environments/${id}`);
      expect(deleted.body).toMatchObject({ message: 'Successfully deleted environment', environment: { id, slug: 'testing' } });
      expect((await secretKeys('admin', 'alpha', 'testing')).own).toEqual([]);
      const again = await call('DELETE', `/api/v1/workspace/alpha/environments/${id}`);
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ statusCode: 404, error: 'DeleteEnvironment', message: `Environment with id '${id}' in project with ID 'alpha' not found` });
    });

    it('refuses a slug already in the project, an unknown id, and a viewer', async () => {
      const taken = await call('POST', '/api/v1/workspace/alpha/environments', { body: { name: 'Dev 2', slug: 'dev' } });
      expect(taken.status).toBe(400);
      expect(taken.body).toEqual({ statusCode: 400, error: 'CreateEnvironment', message: 'Environment with slug already exists' });
      const unknown = await call('PATCH', '/api/v1/workspace/alpha/environments/nope', { body: { name: 'x' } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe("Environment with id 'nope' in project with ID 'alpha' not found");
      const viewer = await call('POST', '/api/v1/workspace/alpha/environments', { as: 'viewer', body: { name: 'QA', slug: 'qa' } });
      expect(viewer.status).toBe(403);
      expect(viewer.body).toEqual({ statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to create on environments', details: [] });
    });
  });

  describe('folders', () => {
    it('creates nested folders (parents too), lists direct children, deletes a sub-tree with its secrets', async () => {
      const first = await call('POST', '/api/v1/folders', { body: { workspaceId: 'alpha', environment: 'dev', name: 'api', path: '/' } });
      expect(first.status).toBe(200);
      expect(first.body.folder).toMatchObject({ name: 'api', path: '/api', version: 1, isReserved: false });
      const deep = await call('POST', '/api/v1/folders', { body: { workspaceId: 'alpha', environment: 'dev', name: 'c', path: '/x/y' } });
      expect(deep.body.folder).toMatchObject({ name: 'c', path: '/x/y/c' });
      const same = await call('POST', '/api/v1/folders', { body: { workspaceId: 'alpha', environment: 'dev', name: 'api', path: '/' } });
      expect(same.body.folder.id).toBe(first.body.folder.id);

      const list = async (path: string) =>
        (await call('GET', '/api/v1/folders', { query: { workspaceId: 'alpha', environment: 'dev', path } })).body.folders as Array<{ id: string; name: string; parentId: string }>;
      expect((await list('/')).map((folder) => folder.name)).toEqual(['api', 'x']);
      const x = (await list('/')).find((folder) => folder.name === 'x');
      expect((await list('/x')).map((folder) => [folder.name, folder.parentId])).toEqual([['y', (x as { id: string }).id]]);
      expect(await list('/missing')).toEqual([]);
      const unknownEnvironment = await call('GET', '/api/v1/folders', { query: { workspaceId: 'alpha', environment: 'nope', path: '/' } });
      expect(unknownEnvironment.status).toBe(404);
      expect(unknownEnvironment.body.message).toBe("Environment with slug 'nope' not found");

      server.setSecret('alpha', 'dev', '/x/y/c', 'DEEP', 'v');
      const removed = await call('DELETE', '/api/v1/folders/x', { body: { workspaceId: 'alpha', environment: 'dev', path: '/' } });
      expect(removed.body.folder).toMatchObject({ name: 'x' });
      expect((await list('/')).map((folder) => folder.name)).toEqual(['api']);
      expect((await secretKeys('admin', 'alpha', 'dev', '/x/y/c')).own).toEqual([]);
      const gone = await call('DELETE', '/api/v1/folders/x', { body: { workspaceId: 'alpha', environment: 'dev', path: '/' } });
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe('Target folder not found');
    });

    it('refuses an invalid name, and writes to a viewer', async () => {
      const invalid = await call('POST', '/api/v1/folders', { body: { workspaceId: 'alpha', environment: 'dev', name: 'a b', path: '/' } });
      expect(invalid.body.error).toBe('ValidationFailure');
      expect(invalid.body.message[0].message).toBe('Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed.');
      const viewer = await call('POST', '/api/v1/folders', { as: 'viewer', body: { workspaceId: 'alpha', environment: 'dev', name: 'api', path: '/' } });
      expect(viewer.body).toMatchObject({ statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to create on secret-folders' });
      expect((await call('GET', '/api/v1/folders', { as: 'viewer', query: { workspaceId: 'alpha', environment: 'dev' } })).status).toBe(200);
    });
  });

  describe('secret imports', () => {
    it('creates an import the secrets list follows at once, lists it, deletes it', async () => {
      const created = await call('POST', '/api/v1/secret-imports', {
        body: { workspaceId: 'alpha', environment: 'dev', path: '/', import: { environment: 'prod', path: '/' } },
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        message: 'Successfully created secret import',
        secretImport: { importPath: '/', importEnv: { slug: 'prod', name: 'prod' }, position: 1, isReplication: false },
      });
      expect((await secretKeys('admin', 'alpha', 'dev', '/', true)).imported).toEqual([['prod', ['SHARED']]]);

      const listed = await call('GET', '/api/v1/secret-imports', { query: { workspaceId: 'alpha', environment: 'dev', path: '/' } });
      expect(listed.body.secretImports).toEqual([created.body.secretImport]);

      const id = created.body.secretImport.id as string;
      const deleted = await call('DELETE', `/api/v1/secret-imports/${id}`, { body: { workspaceId: 'alpha', environment: 'dev', path: '/' } });
      expect(deleted.body).toMatchObject({ message: 'Successfully deleted secret import', secretImport: { id } });
      expect((await secretKeys('admin', 'alpha', 'dev', '/', true)).imported).toEqual([]);
      const again = await call('DELETE', `/api/v1/secret-imports/${id}`, { body: { workspaceId: 'alpha', environment: 'dev', path: '/' } });
      expect(again.status).toBe(404);
    });

    it('refuses cyclic imports, an unknown source environment and a missing folder, as upstream words them', async () => {
      const into = (body: object) => call('POST', '/api/v1/secret-imports', { body: { workspaceId: 'alpha', environment: 'dev', path: '/', ...body } });
      expect((await into({ import: { environment: 'dev', path: '/' } })).body).toEqual({ statusCode: 400, error: 'BadRequest', message: 'Cyclic import not allowed' });
      await call('POST', '/api/v1/secret-imports', { body: { workspaceId: 'alpha', environment: 'prod', path: '/', import: { environment: 'dev', path: '/' } } });
      expect((await into({ import: { environment: 'prod', path: '/' } })).body.message).toBe('Cyclic import not allowed');
      expect((await into({ import: { environment: 'nope', path: '/' } })).body).toEqual({ statusCode: 404, error: 'NotFound', message: 'The requested entity is not found' });
      const missing = await into({ path: '/missing', import: { environment: 'prod', path: '/' } });
      expect(missing.body).toEqual({ statusCode: 404, error: 'NotFound', message: "Folder with path '/missing' in environment with slug 'dev' not found" });
    });

    it('delivers the webhooks of a folder that imports the changed one through an API-created import', async () => {
      const received: string[] = [];
      const receiver = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push(body);
          response.end();
        });
      });
      receiver.listen(0, '127.0.0.1');
      await once(receiver, 'listening');
      try {
        const { port } = receiver.address() as AddressInfo;
        server.addWebhook({ projectId: 'alpha', environment: 'dev', secretPath: '/', url: `http://127.0.0.1:${port}/hook`, id: 'dev-hook' });
        await call('POST', '/api/v1/secret-imports', { body: { workspaceId: 'alpha', environment: 'dev', path: '/', import: { environment: 'prod', path: '/' } } });
        server.setSecret('alpha', 'prod', '/', 'SHARED', 'rotated');
        for (let waited = 0; received.length === 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(received.map((body) => (JSON.parse(body) as { project: { environment: string } }).project.environment)).toEqual(['dev']);
      } finally {
        receiver.close();
      }
    });
  });

  describe('identities', () => {
    it('lists the organization identities with their roles and auth methods, by name', async () => {
      const { status, body } = await call('GET', `/api/v2/organizations/${ORG}/identity-memberships`, { as: 'member' });
      expect(status).toBe(200);
      expect(body.totalCount).toBe(5);
      expect((body.identityMemberships as Array<{ role: string; identity: { name: string } }>).map((entry) => [entry.identity.name, entry.role])).toEqual([
        ['app', 'member'],
        ['blind', 'member'],
        ['outsider', 'no-access'],
        ['provisioner', 'admin'],
        ['viewer', 'member'],
      ]);
      expect(body.identityMemberships[0]).toMatchObject({ orgId: ORG, identity: { orgId: ORG, authMethods: ['universal-auth'] } });
      const paged = await call('GET', `/api/v2/organizations/${ORG}/identity-memberships`, { query: { offset: '1', limit: '2' } });
      expect(paged.body.identityMemberships.map((entry: { identity: { name: string } }) => entry.identity.name)).toEqual(['blind', 'outsider']);
      expect(paged.body.totalCount).toBe(5);
    });

    it('creates, updates and deletes an identity; its tokens die with it', async () => {
      const created = await call('POST', '/api/v1/identities', { body: { name: 'ci', organizationId: ORG, role: 'member' } });
      expect(created.status).toBe(200);
      expect(created.body.identity).toMatchObject({ name: 'ci', orgId: ORG, authMethods: [] });
      const id = created.body.identity.id as string;

      const updated = await call('PATCH', `/api/v1/identities/${id}`, { body: { name: 'ci-bot', role: 'admin' } });
      expect(updated.body.identity).toMatchObject({ id, name: 'ci-bot' });
      const listed = await call('GET', `/api/v2/organizations/${ORG}/identity-memberships`);
      expect(listed.body.identityMemberships).toContainEqual(expect.objectContaining({ role: 'admin', identity: expect.objectContaining({ id, name: 'ci-bot' }) }));

      const { clientId, clientSecret } = await withUniversalAuth(id);
      const token = (await login(clientId, clientSecret)).body.accessToken as string;
      expect((await call('GET', '/api/v1/workspace', { token })).status).toBe(200);

      expect((await call('DELETE', `/api/v1/identities/${id}`)).body.identity).toMatchObject({ id, name: 'ci-bot' });
      const dead = await call('GET', '/api/v1/workspace', { token });
      expect(dead.status).toBe(401);
      expect(dead.body.message).toBe('No identity access token found');
      expect((await login(clientId, clientSecret)).status).toBe(404);
      const unknown = await call('DELETE', `/api/v1/identities/${id}`);
      expect(unknown.body).toEqual({ statusCode: 404, error: 'NotFound', message: `Failed to find identity with id ${id}` });
    });

    it('refuses identity creation to an organization member, another organization and an unknown role', async () => {
      const refused = await call('POST', '/api/v1/identities', { as: 'member', body: { name: 'x', organizationId: ORG, role: 'member' } });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to create on identity', details: [] });
      const elsewhere = await call('POST', '/api/v1/identities', { body: { name: 'x', organizationId: 'other-org', role: 'member' } });
      expect(elsewhere.body).toEqual({
        statusCode: 403,
        error: 'ForbiddenError',
        message: `Your token is scoped to organization with ID ${ORG}, but this resource belongs to a different organization.`,
      });
      const role = await call('POST', '/api/v1/identities', { body: { name: 'x', organizationId: ORG, role: 'owner' } });
      expect(role.body).toEqual({ statusCode: 404, error: 'NotFound', message: `Specified roles 'owner' was not found in the organization with ID '${ORG}'` });
      expect((await call('GET', `/api/v2/organizations/${ORG}/identity-memberships`, { as: 'outsider' })).body.message).toBe('You are not allowed to read on identity');
    });
  });

  describe('Universal Auth of an identity', () => {
    it('attaches, reads and updates the configuration; TTL above max TTL is refused', async () => {
      const id = await newIdentity('deployer');
      const missing = await call('GET', `/api/v1/auth/universal-auth/identities/${id}`);
      expect(missing.body).toEqual({ statusCode: 404, error: 'NotFound', message: `Failed to find universal auth for identity with ID ${id}` });

      const tooLong = await call('POST', `/api/v1/auth/universal-auth/identities/${id}`, { body: { accessTokenTTL: 600, accessTokenMaxTTL: 60 } });
      expect(tooLong.status).toBe(401);
      expect(tooLong.body).toEqual({
        statusCode: 401,
        error: 'ValidationFailure',
        message: [{ code: 'custom', path: [], message: 'Access Token TTL cannot be greater than Access Token Max TTL.' }],
      });

      const attached = await call('POST', `/api/v1/auth/universal-auth/identities/${id}`, { body: {} });
      expect(attached.body.identityUniversalAuth).toMatchObject({
        identityId: id,
        clientId: expect.any(String),
        accessTokenTTL: 2_592_000,
        accessTokenMaxTTL: 2_592_000,
        accessTokenNumUsesLimit: 0,
        accessTokenTrustedIps: [
          { ipAddress: '0.0.0.0', type: 'ipv4', prefix: 0 },
          { ipAddress: '::', type: 'ipv6', prefix: 0 },
        ],
        lockoutEnabled: true,
        lockoutThreshold: 3,
      });
      const twice = await call('POST', `/api/v1/auth/universal-auth/identities/${id}`, { body: {} });
      expect(twice.body).toEqual({ statusCode: 400, error: 'BadRequest', message: 'Failed to add universal auth to already configured identity' });

      const updated = await call('PATCH', `/api/v1/auth/universal-auth/identities/${id}`, { body: { accessTokenTTL: 300, accessTokenMaxTTL: 900 } });
      expect(updated.body.identityUniversalAuth).toMatchObject({ accessTokenTTL: 300, accessTokenMaxTTL: 900 });
      const read = await call('GET', `/api/v1/auth/universal-auth/identities/${id}`);
      expect(read.body.identityUniversalAuth).toMatchObject({ clientId: attached.body.identityUniversalAuth.clientId, accessTokenTTL: 300, accessTokenMaxTTL: 900 });
      const above = await call('PATCH', `/api/v1/auth/universal-auth/identities/${id}`, { body: { accessTokenTTL: 1000 } });
      expect(above.body).toEqual({ statusCode: 400, error: 'BadRequest', message: 'Access token TTL cannot be greater than max TTL' });
    });

    it('creates client secrets that each log in with the configured TTLs, and the lockout applies', async () => {
      const id = await newIdentity('worker');
      const { clientId, clientSecret } = await withUniversalAuth(id);
      const second = await call('POST', `/api/v1/auth/universal-auth/identities/${id}/client-secrets`, { body: {} });
      expect(second.body.clientSecretData).toMatchObject({
        clientSecretPrefix: (second.body.clientSecret as string).slice(0, 4),
        isClientSecretRevoked: false,
        clientSecretNumUses: 0,
      });
      expect(second.body.clientSecret).toMatch(/^[0-9a-f]{64}$/);

      for (const secret of [clientSecret, second.body.clientSecret as string]) {
        const { status, body } = await login(clientId, secret);
        expect(status).toBe(200);
        expect(body).toMatchObject({ expiresIn: 60, accessTokenMaxTTL: 120, tokenType: 'Bearer' });
      }
      for (let attempt = 0; attempt < 3; attempt += 1) expect((await login(clientId, 'wrong')).status).toBe(401);
      expect(server.isLockedOut(clientId)).toBe(true);
      expect((await login(clientId, clientSecret)).status).toBe(429);
    });

    it('honours a client secret usage limit, and refuses secrets without Universal Auth or to a member', async () => {
      const id = await newIdentity('once');
      const { clientId } = await withUniversalAuth(id);
      const limited = await call('POST', `/api/v1/auth/universal-auth/identities/${id}/client-secrets`, { body: { numUsesLimit: 1 } });
      const secret = limited.body.clientSecret as string;
      expect((await login(clientId, secret)).status).toBe(200);
      expect((await login(clientId, secret)).body).toEqual({ statusCode: 401, error: 'UnauthorizedError', message: 'Access denied due to client secret usage limit reached' });

      const bare = await newIdentity('bare');
      const without = await call('POST', `/api/v1/auth/universal-auth/identities/${bare}/client-secrets`, { body: {} });
      expect(without.body).toEqual({ statusCode: 400, error: 'BadRequest', message: 'The identity does not have universal auth' });
      const byMember = await call('POST', `/api/v1/auth/universal-auth/identities/${id}/client-secrets`, { as: 'member', body: {} });
      expect(byMember.body.message).toBe('You are not allowed to create on identity');
    });
  });

  it('expires a client secret after its ttl, by the server clock', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const timed = await LocalInfisicalServer.start({ seed: seed(), now: () => clock });
    try {
      const as = async (method: string, path: string, body: object, token: string) =>
        (await fetch(`${timed.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
      const loginTo = async (clientId: string, clientSecret: string) =>
        fetch(`${timed.url}/api/v1/auth/universal-auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, clientSecret }) });
      const admin = ((await (await loginTo('admin', 'admin-secret')).json()) as { accessToken: string }).accessToken;
      const id = (await as('POST', '/api/v1/identities', { name: 'short', organizationId: ORG }, admin)).identity.id as string;
      const { clientId } = (await as('POST', `/api/v1/auth/universal-auth/identities/${id}`, {}, admin)).identityUniversalAuth as { clientId: string };
      const { clientSecret } = await as('POST', `/api/v1/auth/universal-auth/identities/${id}/client-secrets`, { ttl: 60 }, admin);

      expect((await loginTo(clientId, clientSecret)).status).toBe(200);
      clock += 61_000;
      const expired = await loginTo(clientId, clientSecret);
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ message: 'Access denied due to expired client secret' });
    } finally {
      await timed.close();
    }
  });

  describe('project memberships', () => {
    it('adds, lists, changes and removes an identity in a project; its rights follow its role', async () => {
      const id = await newIdentity('reader');
      const { clientId, clientSecret } = await withUniversalAuth(id);
      const added = await call('POST', `/api/v2/workspace/alpha/identity-memberships/${id}`, { body: { role: 'viewer' } });
      expect(added.body.identityMembership).toMatchObject({ identityId: id, projectId: 'alpha' });
      const twice = await call('POST', `/api/v2/workspace/alpha/identity-memberships/${id}`, { body: { role: 'viewer' } });
      expect(twice.body).toEqual({ statusCode: 400, error: 'BadRequest', message: `Identity with id ${id} already exists in project with id alpha` });

      const listed = await call('GET', '/api/v2/workspace/alpha/identity-memberships');
      expect(listed.body.totalCount).toBe(4);
      expect(listed.body.identityMemberships).toContainEqual(
        expect.objectContaining({
          identity: { id, name: 'reader', authMethods: ['universal-auth'] },
          roles: [expect.objectContaining({ role: 'viewer', customRoleSlug: null, isTemporary: false })],
          project: { id: 'alpha', name: 'Alpha' },
        }),
      );

      const token = (await login(clientId, clientSecret)).body.accessToken as string;
      expect((await call('GET', '/api/v3/secrets/raw', { token, query: { workspaceId: 'alpha', environment: 'dev' } })).status).toBe(200);
      const write = await call('POST', '/api/v3/secrets/raw/NEW', { token, body: { workspaceId: 'alpha', environment: 'dev', secretPath: '/', secretValue: 'v' } });
      expect(write.body).toEqual({ statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to create on secrets', details: [] });

      const changed = await call('PATCH', `/api/v2/workspace/alpha/identity-memberships/${id}`, { body: { roles: [{ role: 'member', isTemporary: false }] } });
      expect(changed.body.roles).toEqual([expect.objectContaining({ role: 'member', projectMembershipId: added.body.identityMembership.id })]);
      expect((await call('POST', '/api/v3/secrets/raw/NEW', { token, body: { workspaceId: 'alpha', environment: 'dev', secretPath: '/', secretValue: 'v' } })).status).toBe(200);

      const removed = await call('DELETE', `/api/v2/workspace/alpha/identity-memberships/${id}`);
      expect(removed.body.identityMembership).toMatchObject({ identityId: id, projectId: 'alpha' });
      expect((await call('GET', '/api/v1/workspace', { token })).body.workspaces).toEqual([]);
      const again = await call('DELETE', `/api/v2/workspace/alpha/identity-memberships/${id}`);
      expect(again.body).toEqual({ statusCode: 400, error: 'BadRequest', message: "Identity doesn't have membership" });
    });

    it('refuses an unknown role, the caller removing itself, a viewer listing and a non-member', async () => {
      const id = await newIdentity('someone');
      const role = await call('POST', `/api/v2/workspace/alpha/identity-memberships/${id}`, { body: { roles: [{ role: 'owner' }] } });
      expect(role.body).toEqual({ statusCode: 404, error: 'NotFound', message: 'One or more custom roles not found' });
      const self = await call('DELETE', `/api/v2/workspace/alpha/identity-memberships/${server.identityIdOf('admin')}`);
      expect(self.body.message).toBe("You can't delete your own membership");
      const viewer = await call('GET', '/api/v2/workspace/alpha/identity-memberships', { as: 'viewer' });
      expect(viewer.body).toMatchObject({ statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to read on identity' });
      expect((await call('POST', `/api/v2/workspace/alpha/identity-memberships/${id}`, { as: 'member', body: { role: 'admin' } })).status).toBe(403);
      const unknownProject = await call('GET', '/api/v2/workspace/nope/identity-memberships');
      expect(unknownProject.body).toEqual({ statusCode: 404, error: 'NotFound', message: 'Project with nope not found' });
    });
  });

  describe('permissions on the secret routes', () => {
    it('refuses the secrets list to a no-access member, and project B to a member of project A', async () => {
      const blind = await secretKeys('blind', 'alpha', 'dev');
      expect(blind.status).toBe(403);
      expect(blind.body).toEqual({ statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to read on secrets', details: [] });
      const otherProject = await secretKeys('member', 'alpha', 'dev');
      expect(otherProject.status).toBe(403);
      expect(otherProject.body.error).toBe("Identity is not a member of the specified project with ID 'alpha'");
      const viewer = await secretKeys('viewer', 'alpha', 'dev');
      expect(viewer.own).toEqual(['OWN']);
    });
  });

  it('counts the management routes and gives injected 429s their rate-limit class', async () => {
    server.injectFault('createProject', { kind: 'status', status: 429, times: 1 });
    server.injectFault('createFolder', { kind: 'status', status: 429, times: 1 });
    const project = await call('POST', '/api/v2/workspace', { body: { projectName: 'Limited' } });
    const folder = await call('POST', '/api/v1/folders', { body: { workspaceId: 'alpha', environment: 'dev', name: 'a', path: '/' } });
    expect([project.status, project.headers.get('x-ratelimit-limit')]).toEqual([429, '30']);
    expect([folder.status, folder.headers.get('x-ratelimit-limit')]).toEqual([429, '40']);
    expect(server.requestCount('createProject')).toBe(1);
    expect(server.requestCount('createFolder')).toBe(1);
    expect(await projectId('Limited')).toBeUndefined();
  });
});
