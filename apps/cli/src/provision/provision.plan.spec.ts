import { describeStep, planProvision, type ProvisionStep } from './provision.plan.js';
import type { ProvisionLayout } from './provision-layout.js';
import type { ProjectState, ProvisionState, WrittenCredentials } from './provision.state.js';
import { identityIdOfToken } from './provision.session.js';

const SITE = 'https://infisical.example.com';
const layout: ProvisionLayout = {
  organizationId: 'org',
  projects: [
    {
      name: 'p',
      slug: 'p-slug',
      environments: [
        { slug: 'workspace', name: 'Workspace', folders: [] },
        { slug: 'server', name: 'Server', folders: ['/db', '/db/replica'] },
      ],
      imports: [{ into: { environment: 'server', path: '/' }, from: { environment: 'workspace', path: '/' } }],
    },
  ],
  identities: [
    { name: 'app', project: 'p', environment: 'server', role: 'viewer', organizationRole: 'no-access', accessTokenTTL: 3600, accessTokenMaxTTL: 86_400, credentialsFile: '/work/app.env' },
  ],
};

const empty: ProvisionState = { projects: new Map(), identities: new Map(), credentialFiles: new Map() };

/** What provision wrote into app's credentials file, with `changes`. */
const written = (changes: Partial<WrittenCredentials> = {}): WrittenCredentials => ({ siteUrl: SITE, projectId: 'p-id', environment: 'server', clientId: 'cid', hasClientSecret: true, ...changes });

/** Infisical holding exactly the layout, plus what `extra` adds. */
function matching(extra: { environments?: boolean; folders?: string[]; memberships?: ProjectState['memberships'] } = {}): ProvisionState {
  const project: ProjectState = {
    remote: {
      id: 'p-id',
      name: 'p',
      slug: 'p-slug',
      environments: [
        { id: 'e1', slug: 'workspace', name: 'Workspace' },
        { id: 'e2', slug: 'server', name: 'Server' },
        ...(extra.environments ? [{ id: 'e3', slug: 'dev', name: 'Development' }] : []),
      ],
    },
    folders: new Map([
      ['workspace', new Set<string>()],
      ['server', new Set(['/db', '/db/replica', ...(extra.folders ?? [])])],
    ]),
    imports: new Map([
      ['workspace:/', []],
      ['server:/', [{ id: 'i1', from: { environment: 'workspace', path: '/' } }]],
      ['server:/db', []],
      ['server:/db/replica', []],
    ]),
    memberships: [{ identityId: 'app-id', identityName: 'app', roles: ['viewer'] }, ...(extra.memberships ?? [])],
  };
  return {
    projects: new Map([['p', project]]),
    identities: new Map([['app', { remote: { id: 'app-id', name: 'app', organizationRole: 'no-access' }, universalAuth: { clientId: 'cid', accessTokenTTL: 3600, accessTokenMaxTTL: 86_400 } }]]),
    credentialFiles: new Map([['/work/app.env', written()]]),
  };
}

const lines = (steps: readonly ProvisionStep[]) => steps.map((step) => `${step.action} ${describeStep(step)}`);

describe('planProvision', () => {
  it('creates everything on an empty server, parents before children', () => {
    const plan = planProvision(layout, empty, { prune: false });
    expect(plan.problems).toEqual([]);
    expect(plan.steps.every((step) => step.action === 'create')).toBe(true);
    expect(plan.steps.map((step) => step.kind)).toEqual(['project', 'environment', 'environment', 'folder', 'folder', 'import', 'identity', 'universal-auth', 'membership', 'client-secret']);
    expect(lines(plan.steps)).toContain('create folder p/server:/db/replica');
  });

  it('keeps everything when Infisical matches: nothing to do', () => {
    const plan = planProvision(layout, matching(), { prune: true, selfIdentityId: 'me' });
    expect(plan.steps.every((step) => step.action === 'keep')).toBe(true);
  });

  it('reports what the layout does not name as extra, and as delete only with --prune, deepest and dependents first', () => {
    const state = matching({ environments: true, folders: ['/old', '/old/deeper'], memberships: [{ identityId: 'stranger-id', identityName: 'stranger', roles: ['admin'] }] });
    const kept = planProvision(layout, state, { prune: false, selfIdentityId: 'me' });
    expect(lines(kept.steps.filter((step) => step.action === 'extra'))).toEqual([
      'extra membership of stranger in p as admin',
      'extra folder p/server:/old',
      'extra environment p/dev (Development)',
    ]);
    const pruned = planProvision(layout, state, { prune: true, selfIdentityId: 'me' });
    expect(lines(pruned.steps.filter((step) => step.action === 'delete'))).toEqual([
      'delete membership of stranger in p as admin',
      'delete folder p/server:/old',
      'delete environment p/dev (Development) with every folder, import and secret in it',
    ]);
  });

  it("keeps the membership of the identity it logs in as, and prunes none while that identity is unknown", () => {
    const state = matching({ memberships: [{ identityId: 'me', identityName: 'provisioner', roles: ['admin'] }] });
    const self = planProvision(layout, state, { prune: true, selfIdentityId: 'me' });
    expect(lines(self.steps)).toContain('keep membership of provisioner in p as admin (the identity provision logs in as)');
    expect(self.steps.some((step) => step.action === 'delete' || step.action === 'extra')).toBe(false);
    const unknown = planProvision(layout, state, { prune: true });
    expect(unknown.steps.some((step) => step.action === 'delete')).toBe(false);
  });

  it('refuses to plan any change to the identity it logs in as (it could lock itself out)', () => {
    const plan = planProvision(layout, matching(), { prune: false, selfIdentityId: 'app-id' });
    expect(plan.problems).toEqual([expect.stringContaining('identity app is the one provision logs in as: leave it out of the layout')]);
    expect(plan.steps.some((step) => 'identity' in step && step.identity === 'app')).toBe(false);
  });

  it('changes names, roles and TTLs in place', () => {
    const state = matching();
    const project = state.projects.get('p') as ProjectState;
    (project.remote.environments as Array<{ id: string; slug: string; name: string }>)[1].name = 'Old';
    (project.memberships as unknown as Array<{ roles: string[] }>)[0].roles = ['admin'];
    const identity = state.identities.get('app');
    (state.identities as Map<string, unknown>).set('app', { ...identity, universalAuth: { clientId: 'cid', accessTokenTTL: 86_400, accessTokenMaxTTL: 86_400 } });
    expect(lines(planProvision(layout, state, { prune: false }).steps.filter((step) => step.action === 'update'))).toEqual([
      'update environment p/server (Server): renamed from "Old"',
      'update universal auth of app: token TTL 1h, max TTL 1d, was 1d / 1d',
      'update membership of app in p as viewer (was admin)',
    ]);
  });

  it('reports a credentials file of another identity, an empty one and a stale one as problems', () => {
    const problemsWith = (file: ReturnType<typeof written>, withSite = layout) => planProvision(withSite, { ...matching(), credentialFiles: new Map([['/work/app.env', file]]) }, { prune: false }).problems;
    expect(problemsWith(written({ clientId: 'someone-else' }))).toEqual([expect.stringContaining('does not hold the client id of identity app')]);
    expect(problemsWith(written({ clientId: '' }))).toEqual([expect.stringContaining('holds no client id or no client secret (a run stopped while writing it?)')]);
    expect(problemsWith(written({ hasClientSecret: false }))).toEqual([expect.stringContaining('stays valid until revoked')]);
    // the site counts only when the layout names it
    expect(problemsWith(written({ environment: 'admin', siteUrl: 'http://old' }))).toEqual([expect.stringContaining('its INFISICAL_ENVIRONMENT no longer matches the layout')]);
    expect(problemsWith(written({ environment: 'admin', siteUrl: 'http://old' }), { ...layout, siteUrl: SITE })).toEqual([
      expect.stringContaining('its INFISICAL_SITE_URL, INFISICAL_ENVIRONMENT no longer match the layout'),
    ]);
    expect(problemsWith(written({ siteUrl: 'http://old' }), { ...layout, siteUrl: SITE })).toEqual([expect.stringContaining(`another INFISICAL_SITE_URL than the layout's siteUrl: set that line to ${SITE}`)]);
    expect(problemsWith(written())).toEqual([]);
  });
});

describe('identityIdOfToken', () => {
  const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
  it("reads Infisical's identityId claim, and nothing from anything else", () => {
    expect(identityIdOfToken(jwt({ identityId: 'abc', authTokenType: 'identityAccessToken' }))).toBe('abc');
    expect(identityIdOfToken(jwt({ sub: 'abc' }))).toBeUndefined();
    expect(identityIdOfToken('not-a-jwt')).toBeUndefined();
  });
});
