/**
 * `infisical-config provision`, built as the package ships it, against the local server's management routes:
 * the README's sample layout planned on an empty server, applied, re-run, changed and pruned; the credentials
 * files it writes boot the demo app; the identities cannot read each other's projects; refusals name the
 * missing permission. Every output goes through the leak guard, with each issued client secret planted.
 */
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseEnv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { eventually, sleep } from './support/eventually.js';
import { buildCli, cliEnv, runCli, startCli } from './support/cli.runner.js';
import { addCanary, findCanaries } from './support/leak-scanner.js';
import { CANARY } from './support/seed.js';

const ORGANIZATION_ID = '6f1d2c3b-0000-4000-8000-00000000c0de';
const secret = () => randomBytes(24).toString('hex');
const ADMIN = { clientId: 'provisioner', clientSecret: secret() };
const MEMBER = { clientId: 'org-member', clientSecret: secret() };
const OUTSIDER = { clientId: 'org-no-access', clientSecret: secret() };
const DEPLOYMENTS = ['dev', 'staging', 'production'];
const APPS = ['server', 'admin', 'docker'];
/** The routes that change something: a no-op run must call none of them. */
const WRITE_ROUTES = [
  'createProject',
  'createEnvironment',
  'updateEnvironment',
  'deleteEnvironment',
  'createFolder',
  'deleteFolder',
  'createSecretImport',
  'deleteSecretImport',
  'createIdentity',
  'updateIdentity',
  'attachUniversalAuth',
  'updateUniversalAuth',
  'createClientSecret',
  'createProjectIdentityMembership',
  'updateProjectIdentityMembership',
  'deleteProjectIdentityMembership',
] as const;

type Layout = { organizationId: string; projects: Array<{ name: string; environments: Array<Record<string, unknown>> }>; identities: Array<Record<string, unknown>> };

let server: LocalInfisicalServer;
let scratch: string;
let sample: Layout;
/** The layout Infisical matches now: the sample, then with the changes the tests apply. */
let current: Layout;

function loginEnv(identity: { clientId: string; clientSecret: string }): NodeJS.ProcessEnv {
  return cliEnv({ INFISICAL_SITE_URL: server.url, INFISICAL_CLIENT_ID: identity.clientId, INFISICAL_CLIENT_SECRET: identity.clientSecret });
}

/** A layout file in the scratch directory (credentials land in its `credentials/`). */
function writeLayout(name: string, layout: Layout): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(layout, null, 2));
  return file;
}

const provision = (file: string, ...flags: string[]) => runCli(['provision', file, ...flags], { env: loginEnv(ADMIN), cwd: scratch });
const writes = () => WRITE_ROUTES.reduce((sum, route) => sum + server.requestCount(route), 0);
const credentialsOf = (name: string) => parseEnv(readFileSync(join(scratch, 'credentials', `${name}.env`)));
const clean = (text: string) => expect(findCanaries(text)).toEqual([]);

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'infisical-provision-'));
  await buildCli();
  server = await LocalInfisicalServer.start({
    seed: {
      organizationId: ORGANIZATION_ID,
      identities: [
        { ...ADMIN, organizationRole: 'admin', projects: [], accessTokenTTL: 3600, accessTokenMaxTTL: 2_592_000 },
        { ...MEMBER, organizationRole: 'member', projects: [] },
        { ...OUTSIDER, organizationRole: 'no-access', projects: [] },
      ],
      projects: {},
    },
  });
  for (const identity of [ADMIN, MEMBER, OUTSIDER]) addCanary(`${identity.clientId} client secret`, identity.clientSecret);
  // Through JSON: YAML aliases come back as shared objects, and the tests change one project at a time.
  sample = JSON.parse(JSON.stringify(parseYaml(readFileSync(resolve('apps/cli/examples/infisical-layout.yaml'), 'utf8'), { merge: true }))) as Layout;
  sample.organizationId = ORGANIZATION_ID;
  for (const key of Object.keys(sample)) if (key.startsWith('x-')) delete (sample as Record<string, unknown>)[key];
  current = sample;
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('infisical-config provision, the README sample from an empty server', () => {
  let layoutFile: string;

  beforeAll(() => {
    layoutFile = writeLayout('infisical-layout.json', sample);
  });

  it('plans every project, environment, folder, import, identity, membership and credentials file by name, and changes nothing', async () => {
    const result = await provision(layoutFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    for (const line of [
      '+ create  project spec-server-dev',
      '+ create  environment spec-server-staging/workspace (Workspace)',
      '+ create  folder spec-server-production/server:/database',
      '+ create  import into spec-server-dev/server:/ from workspace:/',
      '+ create  identity spec-server-dev-server (organization role no-access)',
      '+ create  universal auth of spec-server-dev-server: token TTL 1h, max TTL 30d',
      '+ create  membership of spec-server-production-docker in spec-server-production as viewer',
      '+ create  client secret of spec-server-staging-admin -> credentials/spec-server-staging-admin.env (mode 0600)',
    ]) {
      expect(result.stdout).toContain(line);
    }
    // 3 projects, 12 environments, 3 folders, 9 imports; 9 identities x (identity, auth, membership, secret)
    expect(result.stdout).toContain('Plan: 63 to create, 0 to change, 0 to delete, 0 unchanged.');
    expect(result.stdout).toContain('Run again with --apply to make these changes.');
    expect(writes()).toBe(0);
    expect(existsSync(join(scratch, 'credentials'))).toBe(false);
  });

  it('applies it: one 0600 credentials file per identity with the five variables, no secret printed', async () => {
    const result = await provision(layoutFile, '--apply');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('done  + create project spec-server-dev');
    expect(result.stdout).toContain('Applied 63 changes. 9 credentials files written (mode 0600)');

    expect(statSync(join(scratch, 'credentials')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(scratch, 'credentials')).sort()).toHaveLength(9);
    const projectIds = new Set<string>();
    for (const deployment of DEPLOYMENTS) {
      for (const app of APPS) {
        const name = `spec-server-${deployment}-${app}`;
        const file = join(scratch, 'credentials', `${name}.env`);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const values = credentialsOf(name);
        expect(Object.keys(values).sort()).toEqual(['INFISICAL_CLIENT_ID', 'INFISICAL_CLIENT_SECRET', 'INFISICAL_ENVIRONMENT', 'INFISICAL_PROJECT_ID', 'INFISICAL_SITE_URL']);
        expect(values.INFISICAL_SITE_URL).toBe(server.url);
        expect(values.INFISICAL_ENVIRONMENT).toBe(app);
        expect(values.INFISICAL_CLIENT_SECRET.length).toBeGreaterThanOrEqual(16);
        projectIds.add(`${deployment}:${values.INFISICAL_PROJECT_ID}`);
        addCanary(`${name} client secret`, values.INFISICAL_CLIENT_SECRET);
      }
    }
    expect(new Set([...projectIds].map((entry) => entry.split(':')[1])).size).toBe(3);
    // Planted after the run, so check its output now.
    clean(result.stdout + result.stderr);
  });

  it('re-running is a no-op: the plan says nothing to do, and --apply calls no write route', async () => {
    const before = writes();
    const plan = await provision(layoutFile);
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toMatch(/\+ create|~ change|- delete/);
    expect(plan.stdout).toContain('= keep    client secret of spec-server-dev-server -> credentials/spec-server-dev-server.env (mode 0600): already written');
    expect(plan.stdout).toContain('Infisical matches the layout: nothing to do.');
    const apply = await provision(layoutFile, '--apply');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('nothing to do');
    expect(writes()).toBe(before);
  });

  it("a credentials file boots the demo app, which reads its project's server environment with workspace imported", async () => {
    const credentials = credentialsOf('spec-server-dev-server');
    const projectId = credentials.INFISICAL_PROJECT_ID;
    server.setSecret(projectId, 'workspace', '/', 'APP_NAME', 'spec-server');
    server.setSecret(projectId, 'server', '/', 'DB_HOST', 'localhost');
    server.setSecret(projectId, 'server', '/', 'DB_PASSWORD', `db-${CANARY}`);
    server.setSecret(projectId, 'server', '/', 'JWT_SECRET', `jwt-${CANARY}`);

    const port = await freePort();
    const demo = spawn(process.execPath, [resolve('dist/apps/server/src/main.js')], {
      cwd: scratch,
      env: cliEnv({ ...credentials, PORT: String(port), NODE_ENV: 'development', INFISICAL_WEBHOOK_SECRET: secret() }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    demo.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<void>((done) => demo.once('exit', () => done()));
    try {
      const body = (await pollJson(`http://127.0.0.1:${port}/secrets/check`, 30_000)) as { source: string; keys: Array<{ key: string; inConfigService: boolean }> };
      expect(body.source).toBe('infisical');
      expect(body.keys.find((entry) => entry.key === 'DB_PASSWORD')).toEqual(expect.objectContaining({ inConfigService: true }));
      expect(body.keys.find((entry) => entry.key === 'APP_NAME')).toEqual(expect.objectContaining({ inConfigService: true }));
    } finally {
      demo.kill('SIGTERM');
      await exited;
    }
    clean(output);
  });

  it("an identity cannot read another deployment's project; it reads its own", async () => {
    const dev = credentialsOf('spec-server-dev-server');
    const production = credentialsOf('spec-server-production-server');
    const asDev = (projectId: string) => runCli(['check', '--project-id', projectId, '--env', 'server'], { env: cliEnv({ ...dev }) });
    const own = await asDev(dev.INFISICAL_PROJECT_ID);
    expect(own.stdout).toMatch(/ok {4}scope server:\/: readable, \d+ secrets/);
    const other = await asDev(production.INFISICAL_PROJECT_ID);
    expect(other.code).toBe(3);
    expect(other.stdout).toMatch(/FAIL {2}scope server:\/: HTTP 403/);
    clean(own.stdout + other.stdout + other.stderr);
  });
});

describe('infisical-config provision, changes to the layout', () => {
  it('plans and applies a new environment and a new identity, leaving the rest alone', async () => {
    const changed = structuredClone(current);
    changed.projects[0].environments.push({ slug: 'jobs', name: 'Jobs', imports: [{ from: 'workspace:/' }] });
    changed.identities.push({ ...changed.identities[0], name: 'spec-server-dev-jobs', environment: 'jobs', credentialsFile: 'credentials/spec-server-dev-jobs.env' });
    const file = writeLayout('changed.json', changed);

    const plan = await provision(file);
    expect(plan.code).toBe(1);
    const pending = plan.stdout.split('\n').filter((line) => /^ {2}[+~-] /.test(line));
    expect(pending).toEqual([
      '  + create  environment spec-server-dev/jobs (Jobs)',
      '  + create  import into spec-server-dev/jobs:/ from workspace:/',
      '  + create  identity spec-server-dev-jobs (organization role no-access)',
      '  + create  universal auth of spec-server-dev-jobs: token TTL 1h, max TTL 30d',
      '  + create  membership of spec-server-dev-jobs in spec-server-dev as viewer',
      '  + create  client secret of spec-server-dev-jobs -> credentials/spec-server-dev-jobs.env (mode 0600)',
    ]);
    const apply = await provision(file, '--apply');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Applied 6 changes.');
    addCanary('spec-server-dev-jobs client secret', credentialsOf('spec-server-dev-jobs').INFISICAL_CLIENT_SECRET);
    clean(apply.stdout);
    expect((await provision(file)).code).toBe(0);
    current = changed;
  });

  it('changes TTLs, roles and names in place', async () => {
    const changed = structuredClone(current);
    changed.projects[1].environments[0] = { ...changed.projects[1].environments[0], name: 'Shared' };
    changed.identities[3] = { ...changed.identities[3], role: 'member', auth: { method: 'universal-auth', accessTokenTTL: '2h', accessTokenMaxTTL: '7d' } };
    const file = writeLayout('in-place.json', changed);
    const plan = await provision(file);
    expect(plan.stdout).toContain('~ change  environment spec-server-staging/workspace (Shared): renamed from "Workspace"');
    expect(plan.stdout).toContain('~ change  universal auth of spec-server-staging-server: token TTL 2h, max TTL 7d, was 1h / 30d');
    expect(plan.stdout).toContain('~ change  membership of spec-server-staging-server in spec-server-staging as member (was viewer)');
    expect(plan.stdout).toContain('Plan: 0 to create, 3 to change');
    expect((await provision(file, '--apply')).code).toBe(0);
    expect((await provision(file)).code).toBe(0);
    // and back, so the next tests start from the layout Infisical matched before
    expect((await provision(writeLayout('current.json', current), '--apply')).code).toBe(0);
  });

  it('deletes nothing without --prune; with it, lists the deletions first, then deletes only those', async () => {
    const smaller = structuredClone(current);
    smaller.projects[1].environments = smaller.projects[1].environments.filter((environment) => environment.slug !== 'docker');
    smaller.identities = smaller.identities.filter((identity) => identity.name !== 'spec-server-staging-docker');
    const file = writeLayout('smaller.json', smaller);

    const plan = await provision(file);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('? extra   environment spec-server-staging/docker (Docker)');
    expect(plan.stdout).toContain('? extra   membership of spec-server-staging-docker in spec-server-staging as viewer');
    expect(plan.stdout).toContain('= keep    membership of provisioner in spec-server-staging as admin (the identity provision logs in as)');

    const before = writes();
    const listed = await provision(file, '--prune');
    expect(listed.code).toBe(1);
    expect(listed.stdout).toContain('- delete  environment spec-server-staging/docker (Docker) with every folder, import and secret in it');
    expect(listed.stdout).toContain('- delete  membership of spec-server-staging-docker in spec-server-staging as viewer');
    expect(writes()).toBe(before);

    const pruned = await provision(file, '--prune', '--apply');
    expect(pruned.code).toBe(0);
    expect(pruned.stdout.indexOf('- delete  environment spec-server-staging/docker')).toBeLessThan(pruned.stdout.indexOf('done'));
    expect(pruned.stdout).toContain('Applied 2 changes.');
    const after = await provision(file);
    expect(after.stdout).not.toContain('spec-server-staging/docker');
    expect(after.stdout).toContain('nothing to do');
    current = smaller;
  });

  it('refuses to issue a secret into a credentials file that exists, and changes nothing', async () => {
    const changed = structuredClone(current);
    changed.identities.push({ ...changed.identities[0], name: 'spec-server-dev-cron', credentialsFile: 'credentials/someone-elses.env' });
    writeFileSync(join(scratch, 'credentials', 'someone-elses.env'), 'INFISICAL_CLIENT_ID=not-this-one\n');
    const file = writeLayout('taken.json', changed);
    const before = writes();
    const result = await provision(file, '--apply');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('problem: credentials/someone-elses.env exists but does not hold the client id of identity spec-server-dev-cron');
    expect(result.stdout).toContain('Nothing was changed');
    expect(writes()).toBe(before);
    expect(readFileSync(join(scratch, 'credentials', 'someone-elses.env'), 'utf8')).toBe('INFISICAL_CLIENT_ID=not-this-one\n');
  });
});

describe('infisical-config provision, interrupted', () => {
  it('SIGINT during --apply finishes the change under way (the issued secret is in its file), stops, and a re-run applies the rest', async () => {
    const identity = (name: string) => ({ name, project: 'interrupted', environment: 'server', auth: { method: 'universal-auth', accessTokenTTL: '1h', accessTokenMaxTTL: '30d' }, credentialsFile: `credentials/${name}.env` });
    const file = writeLayout('interrupted.json', { organizationId: ORGANIZATION_ID, projects: [{ name: 'interrupted', environments: [{ slug: 'server' }] }], identities: [identity('interrupted-a'), identity('interrupted-b')] });
    const issued = server.requestCount('createClientSecret');
    // The first client secret is issued slowly, so the signal arrives while it is under way.
    const removeFault = server.injectFault('createClientSecret', { kind: 'latency', ms: 3000, times: 1 });
    const run = startCli(['provision', file, '--apply'], { env: loginEnv(ADMIN), cwd: scratch });
    try {
      await eventually(() => server.requestCount('createClientSecret') > issued, 60_000);
      run.child.kill('SIGINT');
      const result = await run.done;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('stopping after the change under way');
      expect(result.stderr).toContain('6 of 10 changes were made; run provision again to plan the rest.');
      expect(result.stdout).toContain('done  + create client secret of interrupted-a');
      expect(result.stdout).not.toContain('done  + create identity interrupted-b');
    } finally {
      removeFault();
    }
    const written = credentialsOf('interrupted-a');
    expect(Object.keys(written).sort()).toEqual(['INFISICAL_CLIENT_ID', 'INFISICAL_CLIENT_SECRET', 'INFISICAL_ENVIRONMENT', 'INFISICAL_PROJECT_ID', 'INFISICAL_SITE_URL']);
    addCanary('interrupted-a client secret', written.INFISICAL_CLIENT_SECRET);
    expect(existsSync(join(scratch, 'credentials', 'interrupted-b.env'))).toBe(false);

    const rest = await provision(file, '--apply');
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain('Applied 4 changes. 1 credentials file written');
    addCanary('interrupted-b client secret', credentialsOf('interrupted-b').INFISICAL_CLIENT_SECRET);
    clean(rest.stdout + rest.stderr);
  });
});

describe('infisical-config provision, who may do it', () => {
  const small = (): Layout => ({
    organizationId: ORGANIZATION_ID,
    projects: [{ name: 'member-project', environments: [{ slug: 'server' }] }],
    identities: [{ name: 'member-app', project: 'member-project', environment: 'server', auth: { method: 'universal-auth', accessTokenTTL: '1h', accessTokenMaxTTL: '30d' }, credentialsFile: 'credentials/member-app.env' }],
  });

  it('check --layout warns an organization member that creating identities needs the Admin role, before --apply', async () => {
    const result = await runCli(['check', '--layout', writeLayout('member.json', small())], { env: loginEnv(MEMBER), cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('WARN  provision permissions: this identity has the member organization role; creating and changing machine identities needs the Admin role');
    expect(result.stdout).toContain('info  provision projects: will create member-project');
  });

  it('an organization member may create projects but not identities: apply stops there and names the missing permission', async () => {
    const file = writeLayout('member.json', small());
    const result = await runCli(['provision', file, '--apply'], { env: loginEnv(MEMBER), cwd: scratch });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('done  + create project member-project');
    expect(result.stderr).toContain('Infisical refused to create identity member-app: missing organization permission "create" on "identity"');
    expect(result.stderr).toContain('Admin organization role');
    expect(result.stderr).toContain('2 of 6 changes were made; run provision again to plan the rest.');
    expect(existsSync(join(scratch, 'credentials', 'member-app.env'))).toBe(false);
    clean(result.stdout + result.stderr);

    // --json says the same on stdout, as JSON
    const json = await runCli(['provision', file, '--apply', '--json'], { env: loginEnv(MEMBER), cwd: scratch });
    expect(json.code).toBe(3);
    const report = JSON.parse(json.stdout) as { completed: boolean; error: string; steps: Array<{ kind: string; action: string; applied: boolean }> };
    expect(report.completed).toBe(false);
    expect(report.error).toContain('Infisical refused to create identity member-app');
    expect(report.steps.filter((step) => step.applied)).toEqual([]);
    expect(report.steps.find((step) => step.kind === 'project')).toEqual(expect.objectContaining({ action: 'keep' }));
  });

  it("the sample as shipped, before its organizationId is set, says which field to change", async () => {
    const result = await provision(resolve('apps/cli/examples/infisical-layout.yaml'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the layout's organizationId is not the organization of the identity provision logs in as");
    expect(result.stderr).toContain('Set organizationId to your organization');
  });

  it('check --layout names the permission an identity without organization access lacks', async () => {
    const file = writeLayout('outsider.json', small());
    const result = await runCli(['check', '--layout', file], { env: loginEnv(OUTSIDER), cwd: scratch });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('ok    login: logged in with universal-auth');
    expect(result.stdout).toContain('FAIL  provision access: cannot list the machine identities of the organization: missing organization permission "read" on "identity"');
    expect(result.stdout).toMatch(/remedy: Give the identity you provision with the Admin organization role/);
  });

  it('check --layout passes for the provisioning identity and summarizes the plan', async () => {
    const result = await runCli(['check', '--layout', writeLayout('current.json', current)], { env: loginEnv(ADMIN), cwd: scratch });
    expect(result.stdout).toContain('ok    provision access: read every project, environment, folder, import, identity and membership the layout names');
    expect(result.stdout).toMatch(/info {2}provision plan: 0 to create, 0 to change, 0 to delete, \d+ unchanged/);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: expect.any(String) });
  });

  it('a layout error exits 2 and lists every problem before any request', async () => {
    const broken = small();
    broken.identities[0].auth = { method: 'universal-auth', accessTokenTTL: '30d', accessTokenMaxTTL: '30d' };
    const before = server.requestCount();
    const result = await provision(writeLayout('broken.json', broken));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('identities[0].auth.accessTokenTTL: equals accessTokenMaxTTL, so a token can never be renewed');
    expect(server.requestCount()).toBe(before);
    const json = await provision(writeLayout('broken.json', broken), '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual(expect.objectContaining({ completed: false, exitCode: 2, error: expect.stringContaining('can never be renewed') }));
  });
});

/** The first 200 answer's JSON, polling while the app boots (bounded generously: the machines are shared). */
async function pollJson(url: string, withinMs: number): Promise<unknown> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const reply = await fetch(url);
      if (reply.status === 200) return await reply.json();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${withinMs} ms`);
    await sleep(100);
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

describe('infisical-config provision, on a server that already holds projects and identities', () => {
  const CROWD = 120;
  let busy: LocalInfisicalServer;
  const onBusy = (...args: string[]) =>
    runCli(['provision', ...args], {
      env: cliEnv({ INFISICAL_SITE_URL: busy.url, INFISICAL_CLIENT_ID: ADMIN.clientId, INFISICAL_CLIENT_SECRET: ADMIN.clientSecret }),
      cwd: scratch,
    });
  const busyLayout = (name: string, projects: Layout['projects'], identities: Layout['identities']) => writeLayout(name, { organizationId: ORGANIZATION_ID, projects, identities });
  const appIn = (project: string, name: string) => ({ name, project, environment: 'server', auth: { method: 'universal-auth', accessTokenTTL: '1h', accessTokenMaxTTL: '30d' } });

  beforeAll(async () => {
    busy = await LocalInfisicalServer.start({
      seed: {
        organizationId: ORGANIZATION_ID,
        identities: [
          { ...ADMIN, name: 'provisioner', organizationRole: 'admin', projects: ['crowded', 'legacy'], accessTokenTTL: 3600, accessTokenMaxTTL: 2_592_000 },
          // more members than one page of the membership list holds
          ...Array.from({ length: CROWD }, (_, index) => ({ clientId: `crowd-${index}`, clientSecret: secret(), name: `crowd-${String(index).padStart(3, '0')}`, projects: ['crowded'], projectRole: 'viewer' as const })),
        ],
        projects: {
          crowded: { name: 'crowded-project', slug: 'crowded-project', environments: { server: { '/': {} } } },
          // made in the UI: Infisical gave it a slug with a random suffix
          legacy: { name: 'legacy-project', slug: 'legacy-project-x7q2', environments: { server: { '/': {} } } },
          // made by someone else: provision's identity is not a member, so it cannot see it
          hidden: { name: 'hidden-project', slug: 'hidden-project', environments: { server: { '/': {} } } },
        },
      },
    });
  });

  afterAll(() => busy?.close());

  it('reads every page of a project membership list: a member past the first hundred is kept on the next run', async () => {
    const file = busyLayout('crowded.json', [{ name: 'crowded-project', environments: [{ slug: 'server' }] }], [appIn('crowded-project', 'zz-app')]);
    const applied = await onBusy(file, '--apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('done  + create membership of zz-app in crowded-project as viewer');
    const again = await onBusy(file);
    expect(again.stdout).toContain('= keep    membership of zz-app in crowded-project as viewer');
    expect(again.stdout).toContain('= keep    membership of provisioner in crowded-project as admin (the identity provision logs in as)');
    expect(again.stdout).toContain(`${CROWD} not in the layout`);
    expect(again.stdout).toContain('Infisical matches the layout: nothing to do.');
  });

  it('finds a project made in the UI (its slug has a random suffix) by its name', async () => {
    const result = await onBusy(busyLayout('legacy.json', [{ name: 'legacy-project', environments: [{ slug: 'server' }] }], []));
    expect(result.stdout).toContain('= keep    project legacy-project');
    expect(result.stdout).toContain('Infisical matches the layout: nothing to do.');
  });

  it('refuses to create a second project with the slug of one it cannot see, and says how to fix it', async () => {
    const before = busy.requestCount('createProject');
    const result = await onBusy(busyLayout('hidden.json', [{ name: 'hidden-project', environments: [{ slug: 'server' }] }], []), '--apply');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('+ create  project hidden-project');
    expect(result.stderr).toContain('Infisical refused to create project hidden-project with slug hidden-project');
    expect(result.stderr).toContain('add that identity to the project as Admin');
    expect(busy.requestCount('createProject') - before).toBe(1);
    // and nothing was created: the plan still wants the project
    expect((await onBusy(busyLayout('hidden.json', [{ name: 'hidden-project', environments: [{ slug: 'server' }] }], []))).stdout).toContain('+ create  project hidden-project');
  });

  it('refuses a layout that declares the identity provision logs in as: it would demote itself', async () => {
    const result = await onBusy(busyLayout('self.json', [{ name: 'crowded-project', environments: [{ slug: 'server' }] }], [appIn('crowded-project', 'provisioner')]), '--apply');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('problem: identity provisioner is the one provision logs in as: leave it out of the layout');
    expect(result.stdout).toContain('Nothing was changed');
    const check = await onBusy(busyLayout('self.json', [{ name: 'crowded-project', environments: [{ slug: 'server' }] }], []));
    expect(check.stdout).toContain('= keep    membership of provisioner in crowded-project as admin');
  });
});
