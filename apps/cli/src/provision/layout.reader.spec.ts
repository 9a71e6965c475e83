import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, EXIT } from '../exit-codes.js';
import { readLayout } from './layout.reader.js';

const SAMPLE = resolve('apps/cli/examples/infisical-layout.yaml');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layout-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function problemsOf(file: string): Promise<string> {
  try {
    await readLayout(file);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return (error as Error).message;
  }
  throw new Error('the layout was accepted');
}

const identity = (overrides: Record<string, unknown> = {}) => ({
  name: 'app',
  project: 'p',
  environment: 'server',
  auth: { method: 'universal-auth', accessTokenTTL: '1h', accessTokenMaxTTL: '30d' },
  ...overrides,
});
const layout = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ organizationId: 'org', projects: [{ name: 'p', slug: 'project-p', environments: [{ slug: 'workspace' }, { slug: 'server', imports: [{ from: 'workspace:/' }] }] }], identities: [identity()], ...overrides });

describe('readLayout', () => {
  it("reads the README's sample: three deployments, four environments each, imports, nine identities with their files", async () => {
    const sample = await readLayout(SAMPLE);
    expect(sample.projects.map((project) => project.name)).toEqual(['spec-server-dev', 'spec-server-staging', 'spec-server-production']);
    for (const project of sample.projects) {
      expect(project.environments.map((environment) => environment.slug)).toEqual(['workspace', 'server', 'admin', 'docker']);
      expect(project.imports).toContainEqual({ into: { environment: 'server', path: '/' }, from: { environment: 'workspace', path: '/' } });
    }
    expect(sample.identities).toHaveLength(9);
    expect(sample.identities[0]).toEqual(
      expect.objectContaining({ name: 'spec-server-dev-server', role: 'viewer', organizationRole: 'no-access', accessTokenTTL: 3600, accessTokenMaxTTL: 2_592_000 }),
    );
    expect(sample.identities[0].credentialsFile).toBe(resolve('apps/cli/examples/credentials/spec-server-dev-server.env'));
  });

  it('refuses a token TTL equal to its max TTL and says why, unless allowNonRenewableToken is set', async () => {
    const equal = { method: 'universal-auth', accessTokenTTL: '30d', accessTokenMaxTTL: 2_592_000 };
    const message = await problemsOf(write('equal.json', layout({ identities: [identity({ auth: equal })] })));
    expect(message).toMatch(/identities\[0\]\.auth\.accessTokenTTL: equals accessTokenMaxTTL, so a token can never be renewed/);
    expect(message).toContain('allowNonRenewableToken: true');
    const allowed = await readLayout(write('allowed.json', layout({ identities: [identity({ auth: { ...equal, allowNonRenewableToken: true } })] })));
    expect(allowed.identities[0].accessTokenTTL).toBe(allowed.identities[0].accessTokenMaxTTL);
  });

  it('lists every problem at once, with the path of each: shape, unknown fields and references', async () => {
    const message = await problemsOf(
      write(
        'bad.yaml',
        [
          'organizationId: org',
          'projects:',
          '  - name: p',
          '    environments:',
          '      - slug: Server_1',
          '      - slug: server',
          '        imports: [{ from: "missing:/" }, { from: "server:/nope" }]',
          'identities:',
          '  - name: app',
          '    project: q',
          '    environment: server',
          '    credentialFile: typo.env',
          '    role: veiwer',
          '    auth: { method: kubernetes, accessTokenTTL: 2h, accessTokenMaxTTL: 1h }',
        ].join('\n'),
      ),
    );
    expect(message).toMatch(/has \d+ problems/);
    expect(message).toContain('projects[0].environments[0].slug: must be a slug');
    expect(message).toContain('identities[0].credentialFile: unknown field (check its spelling)');
    expect(message).toContain('identities[0].auth.method: must be one of: universal-auth');
    expect(message).toContain('identities[0].role: must be one of: admin, member, viewer, no-access');
  });

  it('checks references once the shape is right: environments, folders, projects, duplicates, TTL order', async () => {
    const message = await problemsOf(
      write(
        'refs.json',
        JSON.stringify({
          organizationId: 'org',
          projects: [
            { name: 'p', slug: 'project-p', environments: [{ slug: 'server', imports: [{ from: 'missing:/' }, { from: 'server:/' }, { from: 'server:/x', into: '/y' }] }] },
            { name: 'p', environments: [{ slug: 'a' }, { slug: 'a' }] },
            { name: 'Project P', environments: [{ slug: 'a' }] },
          ],
          identities: [
            identity({ project: 'q' }),
            identity({ environment: 'nope', auth: { method: 'universal-auth', accessTokenTTL: '2h', accessTokenMaxTTL: '1h' } }),
            identity({ name: 'forever', auth: { method: 'universal-auth', accessTokenTTL: '1h', accessTokenMaxTTL: '4000d' } }),
            identity({ credentialsFile: 'same.env' }),
            identity({ name: 'other', credentialsFile: 'same.env' }),
          ],
        }),
      ),
    );
    for (const expected of [
      'projects[0].environments[0].imports[0].from: environment "missing" is not declared in project "p"',
      'projects[0].environments[0].imports[1]: a folder cannot import itself',
      'projects[0].environments[0].imports[2].from: folder /x is not declared in environment "server"',
      'projects[0].environments[0].imports[2].into: folder /y is not declared in environment "server"',
      'projects[1].name: "p" is declared twice',
      'projects[1].environments[1].slug: "a" is declared twice',
      'projects[1].slug: the name gives no project slug Infisical accepts (5 to 36 lowercase letters, digits and dashes): set slug',
      'projects[2].slug: "project-p" is another project\'s slug (set slug)',
      'identities[0].project: "q" is not a project of the layout',
      'identities[1].environment: "nope" is not an environment of project "p"',
      'identities[1].auth.accessTokenTTL: is longer than accessTokenMaxTTL',
      'identities[2].auth.accessTokenMaxTTL: must be at most 3650d (ten years)',
      'identities[3].name: "app" is declared twice',
      'identities[4].credentialsFile: another identity writes the same file',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('names the file and the line of a YAML error, and a file that cannot be read', async () => {
    expect(await problemsOf(write('broken.yaml', 'projects:\n  - name: [unclosed\n'))).toMatch(/broken\.yaml is not valid YAML: .*line/);
    expect(await problemsOf(join(dir, 'absent.yaml'))).toMatch(/cannot read the layout file .*absent\.yaml \(ENOENT\)/);
    expect(await problemsOf(write('list.json', '[]'))).toContain('must hold an object with organizationId, projects and identities');
  });
});
