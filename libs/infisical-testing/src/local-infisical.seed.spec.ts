import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalInfisicalSeedError } from './local-infisical-seed.error.js';
import { LocalInfisicalServer } from './local-infisical.server.js';
import { loadLocalInfisicalSeed } from './local-infisical.seed.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const validSeed: LocalInfisicalSeed = {
  identities: [{ clientId: 'app', clientSecret: 'app-secret', projects: ['p'], accessTokenTTL: 60, accessTokenMaxTTL: 120 }],
  projects: { p: { environments: { dev: { '/': { secrets: { A: '1' }, imports: [{ environment: 'prod', secretPath: '/' }] } } } } },
};

describe('loadLocalInfisicalSeed', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-infisical-seed-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (content: string): string => {
    const file = join(dir, 'seed.json');
    writeFileSync(file, content);
    return file;
  };

  it('reads a valid seed file', () => {
    expect(loadLocalInfisicalSeed(write(JSON.stringify(validSeed)))).toEqual(validSeed);
  });

  it('lists every problem at once, each with its JSON path', () => {
    const file = write(
      JSON.stringify({
        identities: [
          { clientId: '', clientSecret: 'x', projects: 'p' },
          { clientId: 'b', clientSecret: 'x', projects: [], accessTokenTTL: 60, accessTokenMaxTTL: 30 },
          { clientId: 'b', clientSecret: 'x', projects: [], accessTokenTTL: -1 },
        ],
        projects: { p: { environments: { dev: { nested: {}, '/': { secrets: { A: 1 }, imports: [{ environment: 'x' }] } } } } },
      }),
    );

    let thrown: unknown;
    try {
      loadLocalInfisicalSeed(file);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(LocalInfisicalSeedError);
    expect((thrown as LocalInfisicalSeedError).source).toBe(file);
    expect((thrown as LocalInfisicalSeedError).problems).toEqual([
      'identities[0].clientId must be a non-empty string',
      'identities[0].projects must be an array of project ids',
      'identities[1].accessTokenMaxTTL (30) must not be below accessTokenTTL (60)',
      "identities[2].clientId 'b' is used twice",
      'identities[2].accessTokenTTL must be a positive number of seconds, got -1',
      "projects.p.environments.dev folder path 'nested' must start with '/'",
      "projects.p.environments.dev['/'].secrets.A must be a string, got a number",
      "projects.p.environments.dev['/'].imports[0] must be { environment: string, secretPath: '/…' }",
    ]);
    expect((thrown as Error).message).toContain(`Invalid local Infisical seed (${file}):\n  - identities[0].clientId`);
  });

  it('reports invalid JSON with its position but without quoting the content', () => {
    const file = write('{"identities": [], "projects": {"p": "hunter2"');

    expect(() => loadLocalInfisicalSeed(file)).toThrow(/not valid JSON/);
    expect(() => loadLocalInfisicalSeed(file)).not.toThrow(/hunter2/);
  });

  it('reports a file it cannot read', () => {
    expect(() => loadLocalInfisicalSeed(join(dir, 'missing.json'))).toThrow(/cannot read the file: ENOENT/);
  });

  it('checks the organization, names, roles and project slugs (optional fields)', async () => {
    const start = LocalInfisicalServer.start({
      seed: {
        organizationId: '',
        identities: [{ clientId: 'a', clientSecret: 'x', projects: [], name: '', organizationRole: 'owner', projectRole: 'editor' }],
        projects: { p: { environments: {} }, q: { name: 7, slug: 'p', environments: {} } },
      } as unknown as LocalInfisicalSeed,
    });

    await expect(start).rejects.toMatchObject({
      problems: [
        'organizationId must be a non-empty string',
        'identities[0].name must be a non-empty string',
        `identities[0].organizationRole must be one of 'admin', 'member', 'no-access', got "owner"`,
        `identities[0].projectRole must be one of 'admin', 'member', 'viewer', 'no-access', got "editor"`,
        'projects.q.name must be a non-empty string',
        "projects.q.slug 'p' is already the slug of projects.p (slugs are unique in the organization)",
      ],
    });
  });

  it('is also what LocalInfisicalServer.start() applies to options.seed', async () => {
    const start = LocalInfisicalServer.start({ seed: { identities: 'x', projects: [] } as unknown as LocalInfisicalSeed });

    await expect(start).rejects.toThrow(LocalInfisicalSeedError);
    await expect(start).rejects.toMatchObject({
      source: 'options.seed',
      problems: ['identities must be an array, got a string', 'projects must be an object keyed by project id, got an array'],
    });
  });
});
