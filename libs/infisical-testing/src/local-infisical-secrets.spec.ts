import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';
const OTHER_PROJECT = 'proj-2';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA\nq7BFUpkGp3+LQmlQ\n-----END PRIVATE KEY-----\n';

const seed = (): LocalInfisicalSeed => ({
  identities: [{ clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT] }],
  projects: {
    [PROJECT]: {
      environments: {
        dev: {
          '/': {
            secrets: {
              DB_USER: 'admin',
              DB_PASSWORD: 's3cr3t',
              DATABASE_URL: 'postgres://${DB_USER}:${DB_PASSWORD}@${shared.DB_HOST}/${shared.db.main.DB_NAME}',
              CHAIN: 'via ${DATABASE_URL}',
              LOOP_A: '${LOOP_B}',
              LOOP_B: '${LOOP_A}',
              DANGLING: 'x-${NOPE}-${ghost.KEY}',
              PRIVATE_KEY: PEM,
              OVERRIDDEN: 'from-dev',
            },
            imports: [{ environment: 'shared', secretPath: '/' }],
          },
          '/nested': { secrets: { NESTED_KEY: 'nested ${DB_USER}' } },
          '/nested/deeper': { secrets: { DEEP_KEY: 'deep' } },
        },
        shared: {
          '/': { secrets: { DB_HOST: 'db.internal', OVERRIDDEN: 'from-shared', SHARED_ONLY: 'only-${DB_HOST}' } },
          '/db/main': { secrets: { DB_NAME: 'main' } },
        },
      },
    },
    [OTHER_PROJECT]: { environments: { dev: { '/': { secrets: { FOREIGN: 'x' } } } } },
  },
});

describe('LocalInfisicalServer: secrets', () => {
  let server: LocalInfisicalServer;
  let sdk: InfisicalSDK;
  let token: string;

  beforeEach(async () => {
    server = await LocalInfisicalServer.start({ seed: seed() });
    sdk = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'app-secret' });
    token = sdk.auth().getAccessToken() as string;
  });

  afterEach(async () => {
    await server.close();
  });

  const get = (pathAndQuery: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  const valuesOf = (secrets: Array<{ secretKey: string; secretValue: string }>): Record<string, string> =>
    Object.fromEntries(secrets.map((secret) => [secret.secretKey, secret.secretValue]));

  describe('list', () => {
    it('returns every field of a secret, as the real server does', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', secretPath: '/nested/deeper' });

      expect(secrets).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          _id: secrets[0]?.id,
          workspace: PROJECT,
          environment: 'dev',
          version: 1,
          type: 'shared',
          secretKey: 'DEEP_KEY',
          secretValue: 'deep',
          secretComment: '',
          secretReminderNote: null,
          secretReminderRepeatDays: null,
          skipMultilineEncoding: false,
          metadata: [],
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          secretPath: '/nested/deeper',
          tags: [],
        },
      ]);
    });

    it('lists only the folder itself without recursive, and sub-folders with their own secretPath with it', async () => {
      const flat = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', secretPath: '/nested' });
      const deep = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', secretPath: '/nested', recursive: true });

      expect(flat.secrets.map((secret) => [secret.secretKey, secret.secretPath])).toEqual([['NESTED_KEY', '/nested']]);
      expect(deep.secrets.map((secret) => [secret.secretKey, secret.secretPath])).toEqual([
        ['NESTED_KEY', '/nested'],
        ['DEEP_KEY', '/nested/deeper'],
      ]);
    });

    it('treats a trailing slash in secretPath as the same folder', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', secretPath: '/nested/' });

      expect(secrets.map((secret) => secret.secretKey)).toEqual(['NESTED_KEY']);
    });

    it('answers an unknown environment or path with 200 and empty lists when not recursive', async () => {
      const unknownEnv = await get(`/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=nope&secretPath=/`);
      const unknownPath = await get(`/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev&secretPath=/missing`);

      expect(unknownEnv.status).toBe(200);
      expect(await unknownEnv.json()).toEqual({ secrets: [], imports: [] });
      expect(unknownPath.status).toBe(200);
      expect(await unknownPath.json()).toEqual({ secrets: [], imports: [] });
    });

    it('answers an unknown environment with 404 when recursive', async () => {
      const response = await get(`/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=nope&recursive=true`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        statusCode: 404,
        message: `Environment with slug 'nope' in project with ID ${PROJECT} not found`,
        error: 'NotFound',
      });
    });

    it('answers a project the identity is not a member of with 403', async () => {
      const response = await get(`/api/v3/secrets/raw?workspaceId=${OTHER_PROJECT}&environment=dev`);

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        statusCode: 403,
        message: 'You are not allowed to access this resource',
        error: `Identity is not a member of the specified project with ID '${OTHER_PROJECT}'`,
      });
    });

    it('answers an unknown project with 404 from the bot lookup, also through the SDK', async () => {
      const response = await get('/api/v3/secrets/raw?workspaceId=nope&environment=dev');

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        statusCode: 404,
        message: "Project with ID 'nope' not found during bot lookup. Are you sure you are using the correct project ID?",
        error: 'NotFound',
      });
      await expect(sdk.secrets().listSecrets({ projectId: 'nope', environment: 'dev' })).rejects.toMatchObject({
        name: 'InfisicalSDKRequestError',
        message: expect.stringMatching(/^\[URL=http:\/\/127\.0\.0\.1:\d+\/api\/v3\/secrets\/raw\?workspaceId=nope&.*\] \[Method=GET\] \[StatusCode=404\] Project with ID 'nope'/),
      });
    });

    it('answers a boolean query value other than true/false with 401 ValidationFailure', async () => {
      const response = await get(`/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev&recursive=maybe`);

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        statusCode: 401,
        error: 'ValidationFailure',
        message: [
          {
            received: 'maybe',
            code: 'invalid_enum_value',
            options: ['true', 'false'],
            path: ['recursive'],
            message: "Invalid enum value. Expected 'true' | 'false', received 'maybe'",
          },
        ],
      });
    });

    it('keeps multi-line values intact', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });

      expect(valuesOf(secrets).PRIVATE_KEY).toBe(PEM);
    });

    it('hides values when viewSecretValue=false', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', viewSecretValue: false });

      expect(new Set(secrets.map((secret) => secret.secretValue))).toEqual(new Set(['<hidden-by-infisical>']));
    });

    it('matches nothing when a tag filter is given, since seeded secrets have no tags', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', tagSlugs: ['prod'] });

      expect(secrets).toEqual([]);
    });
  });

  describe('references', () => {
    it('expands local, other-environment and other-folder references, recursively (the SDK default)', async () => {
      const values = valuesOf((await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' })).secrets);

      expect(values.DATABASE_URL).toBe('postgres://admin:s3cr3t@db.internal/main');
      expect(values.CHAIN).toBe('via postgres://admin:s3cr3t@db.internal/main');
    });

    it('resolves a local reference in a sub-folder against that sub-folder', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', secretPath: '/nested' });

      // /nested has no DB_USER, so the reference stays as written
      expect(valuesOf(secrets).NESTED_KEY).toBe('nested ${DB_USER}');
    });

    it('leaves cycles and unresolvable references as written', async () => {
      const values = valuesOf((await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' })).secrets);

      expect(values.LOOP_A).toBe('${LOOP_A}');
      expect(values.LOOP_B).toBe('${LOOP_B}');
      expect(values.DANGLING).toBe('x-${NOPE}-${ghost.KEY}');
    });

    it('returns raw values when expandSecretReferences=false', async () => {
      const { secrets } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', expandSecretReferences: false });

      expect(valuesOf(secrets).DATABASE_URL).toBe('postgres://${DB_USER}:${DB_PASSWORD}@${shared.DB_HOST}/${shared.db.main.DB_NAME}');
    });

    it('follows a reference to a secret changed with setSecret', async () => {
      server.setSecret(PROJECT, 'shared', '/', 'DB_HOST', 'db2.internal');

      const values = valuesOf((await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' })).secrets);

      expect(values.DATABASE_URL).toBe('postgres://admin:s3cr3t@db2.internal/main');
    });
  });

  describe('imports', () => {
    it('fills imports with the imported folder and its secrets (fewer fields), expanded in their own environment', async () => {
      const { imports } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', includeImports: true });

      expect(imports).toEqual([
        {
          secretPath: '/',
          environment: 'shared',
          folderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          secrets: [
            expect.objectContaining({ secretKey: 'DB_HOST', secretValue: 'db.internal', environment: 'shared' }),
            expect.objectContaining({ secretKey: 'OVERRIDDEN', secretValue: 'from-shared' }),
            expect.objectContaining({ secretKey: 'SHARED_ONLY', secretValue: 'only-db.internal' }),
          ],
        },
      ]);
      expect(Object.keys(imports?.[0]?.secrets[0] ?? {}).sort()).toEqual(
        ['_id', 'environment', 'id', 'secretComment', 'secretKey', 'secretValue', 'type', 'version', 'workspace'].sort(),
      );
    });

    it('sends an empty imports list without include_imports', async () => {
      const response = await get(`/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev&include_imports=false`);

      expect(((await response.json()) as { imports: unknown[] }).imports).toEqual([]);
    });

    it("lets listSecretsWithImports keep the folder's own value over an imported one", async () => {
      const secrets = await sdk.secrets().listSecretsWithImports({ projectId: PROJECT, environment: 'dev' });
      const values = valuesOf(secrets);

      expect(values.OVERRIDDEN).toBe('from-dev');
      expect(values.SHARED_ONLY).toBe('only-db.internal');
      expect(secrets.filter((secret) => secret.secretKey === 'OVERRIDDEN')).toHaveLength(1);
    });

    it('includes the imports of sub-folders with recursive=true', async () => {
      const { imports } = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', recursive: true, includeImports: true });

      expect(imports?.map((entry) => `${entry.environment}:${entry.secretPath}`)).toEqual(['shared:/']);
    });
  });

  describe('ETag', () => {
    const listUrl = `/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev&expandSecretReferences=true`;

    it('answers a repeat with a matching If-None-Match with 304 and no body', async () => {
      const first = await get(listUrl);
      const etag = first.headers.get('etag') as string;
      await first.arrayBuffer();

      const repeat = await get(listUrl, { 'if-none-match': etag });

      expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
      expect(repeat.status).toBe(304);
      expect(repeat.headers.get('etag')).toBe(etag);
      expect(await repeat.text()).toBe('');
    });

    it('answers 200 with a new ETag once a secret changed', async () => {
      const first = await get(listUrl);
      const etag = first.headers.get('etag') as string;
      await first.arrayBuffer();
      server.setSecret(PROJECT, 'dev', '/', 'DB_USER', 'root');

      const repeat = await get(listUrl, { 'if-none-match': etag });

      expect(repeat.status).toBe(200);
      expect(repeat.headers.get('etag')).not.toBe(etag);
      expect(valuesOf(((await repeat.json()) as { secrets: Array<{ secretKey: string; secretValue: string }> }).secrets).DB_USER).toBe('root');
    });
  });

  describe('single secret', () => {
    it('gets one secret with its references expanded', async () => {
      const secret = await sdk.secrets().getSecret({ projectId: PROJECT, environment: 'dev', secretName: 'DATABASE_URL' });

      expect(secret).toMatchObject({ secretKey: 'DATABASE_URL', secretValue: 'postgres://admin:s3cr3t@db.internal/main', secretPath: '/' });
    });

    it('answers an unknown secret with 404, and the SDK error names it', async () => {
      const response = await get(`/api/v3/secrets/raw/NOPE?workspaceId=${PROJECT}&environment=dev`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ statusCode: 404, message: "Secret with name 'NOPE' not found", error: 'NotFound' });
      await expect(sdk.secrets().getSecret({ projectId: PROJECT, environment: 'dev', secretName: 'NOPE' })).rejects.toMatchObject({
        name: 'InfisicalSDKRequestError',
        message: expect.stringMatching(/\[Method=GET\] \[StatusCode=404\] Secret with name 'NOPE' not found$/),
      });
    });

    it('finds an imported secret with include_imports=true (the SDK sends includeImports, which the server ignores)', async () => {
      const direct = await get(`/api/v3/secrets/raw/SHARED_ONLY?workspaceId=${PROJECT}&environment=dev&include_imports=true`);
      const viaSdk = sdk.secrets().getSecret({ projectId: PROJECT, environment: 'dev', secretName: 'SHARED_ONLY', includeImports: true });

      expect(await direct.json()).toMatchObject({ secret: { secretKey: 'SHARED_ONLY', environment: 'shared', secretValue: 'only-${DB_HOST}' } });
      await expect(viaSdk).rejects.toMatchObject({ message: expect.stringContaining('[StatusCode=404]') });
    });

    it('decodes URL-encoded secret names', async () => {
      server.setSecret(PROJECT, 'dev', '/', 'WITH SPACE', 'ok');

      const secret = await sdk.secrets().getSecret({ projectId: PROJECT, environment: 'dev', secretName: 'WITH SPACE' });

      expect(secret.secretValue).toBe('ok');
    });

    it('creates, updates (version + 1) and deletes a secret through the SDK', async () => {
      const location = { projectId: PROJECT, environment: 'dev', secretPath: '/nested' };

      const created = await sdk.secrets().createSecret('NEW_KEY', { ...location, secretValue: 'one\ntwo', secretComment: 'why' });
      const updated = await sdk.secrets().updateSecret('NEW_KEY', { ...location, secretValue: 'three' });
      const listed = await sdk.secrets().listSecrets(location);
      const deleted = await sdk.secrets().deleteSecret('NEW_KEY', location);
      const afterDelete = await sdk.secrets().listSecrets(location);

      expect(created.secret).toMatchObject({ secretKey: 'NEW_KEY', secretValue: 'one\ntwo', secretComment: 'why', version: 1, secretPath: '/nested' });
      expect(updated.secret).toMatchObject({ secretKey: 'NEW_KEY', secretValue: 'three', secretComment: 'why', version: 2 });
      expect(valuesOf(listed.secrets).NEW_KEY).toBe('three');
      expect(deleted.secret).toMatchObject({ secretKey: 'NEW_KEY', secretValue: 'three', version: 2 });
      expect(valuesOf(afterDelete.secrets).NEW_KEY).toBeUndefined();
    });

    it('renames with newSecretName', async () => {
      await sdk.secrets().updateSecret('DB_USER', { projectId: PROJECT, environment: 'dev', newSecretName: 'DB_LOGIN' });

      const values = valuesOf((await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' })).secrets);

      expect(values.DB_LOGIN).toBe('admin');
      expect(values.DB_USER).toBeUndefined();
    });

    it('refuses to create an existing secret with 400 BadRequest', async () => {
      const attempt = sdk.secrets().createSecret('DB_USER', { projectId: PROJECT, environment: 'dev', secretValue: 'x' });

      await expect(attempt).rejects.toMatchObject({ message: expect.stringMatching(/\[Method=POST\] \[StatusCode=400\] Secret already exist$/) });
    });

    it('answers update and delete of an unknown secret with 404', async () => {
      const update = sdk.secrets().updateSecret('NOPE', { projectId: PROJECT, environment: 'dev', secretValue: 'x' });
      const remove = sdk.secrets().deleteSecret('NOPE', { projectId: PROJECT, environment: 'dev' });

      await expect(update).rejects.toMatchObject({ message: expect.stringMatching(/\[Method=PATCH\] \[StatusCode=404\] Secret with name 'NOPE' not found$/) });
      await expect(remove).rejects.toMatchObject({ message: expect.stringMatching(/\[Method=DELETE\] \[StatusCode=404\] Secret with name 'NOPE' not found$/) });
    });

    it('refuses to create a secret in a folder that does not exist', async () => {
      const response = await fetch(`${server.url}/api/v3/secrets/raw/X`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId: PROJECT, environment: 'dev', secretPath: '/ghost', secretValue: 'x' }),
      });

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        statusCode: 404,
        message: "Folder with path '/ghost' in environment with slug 'dev' not found",
        error: 'NotFound',
      });
    });

    it('accepts delete fields in the query string too', async () => {
      const response = await fetch(`${server.url}/api/v3/secrets/raw/DB_USER?workspaceId=${PROJECT}&environment=dev`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ secret: { secretKey: 'DB_USER' } });
    });

    it('answers a body that is not JSON with 400', async () => {
      const response = await fetch(`${server.url}/api/v3/secrets/raw/X`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{not json',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });
  });

  describe('direct store edits', () => {
    it('setSecret creates the folder when needed and bumps the version of an existing secret', async () => {
      server.setSecret(PROJECT, 'dev', '/brand/new', 'FRESH', 'yes');
      server.setSecret(PROJECT, 'dev', '/', 'DB_USER', 'changed');

      const fresh = await sdk.secrets().getSecret({ projectId: PROJECT, environment: 'dev', secretPath: '/brand/new', secretName: 'FRESH' });
      const changed = await sdk.secrets().getSecret({ projectId: PROJECT, environment: 'dev', secretName: 'DB_USER' });
      const recursive = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev', secretPath: '/brand', recursive: true });

      expect(fresh).toMatchObject({ secretValue: 'yes', version: 1 });
      expect(changed).toMatchObject({ secretValue: 'changed', version: 2 });
      expect(recursive.secrets.map((secret) => secret.secretPath)).toEqual(['/brand/new']);
    });

    it('deleteSecret removes a secret and throws for one that does not exist', async () => {
      server.deleteSecret(PROJECT, 'dev', '/', 'DB_USER');

      const values = valuesOf((await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' })).secrets);

      expect(values.DB_USER).toBeUndefined();
      expect(() => server.deleteSecret(PROJECT, 'dev', '/', 'DB_USER')).toThrow("No secret 'DB_USER' in project 'proj-1', environment 'dev', path '/'");
      expect(() => server.setSecret('nope', 'dev', '/', 'K', 'v')).toThrow("Unknown project 'nope'");
    });
  });

  describe('status and unknown routes', () => {
    it('answers GET /api/status without auth', async () => {
      const response = await fetch(`${server.url}/api/status`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        message: 'Ok',
        emailConfigured: false,
        inviteOnlySignup: false,
        redisConfigured: false,
        secretScanningConfigured: false,
      });
    });

    it("answers an unknown route with Fastify's 404 body, query string included", async () => {
      const response = await fetch(`${server.url}/api/v9/nothing?x=1`);
      const wrongMethod = await fetch(`${server.url}/api/v3/secrets/raw/X`, { method: 'PUT' });

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ statusCode: 404, message: 'Route GET:/api/v9/nothing?x=1 not found', error: 'Not Found' });
      expect(await wrongMethod.json()).toMatchObject({ message: 'Route PUT:/api/v3/secrets/raw/X not found' });
    });
  });
});
