import { relative } from 'node:path';
import { formatDuration } from '../duration.util.js';
import type { FolderRef, IdentityDeclaration, ProjectDeclaration, ProvisionLayout } from './provision-layout.js';
import { CREDENTIALS_FILE_EMPTY, CREDENTIALS_FILE_OF_ANOTHER, CREDENTIALS_FILE_OTHER_SITE, CREDENTIALS_FILE_STALE, SELF_IN_LAYOUT } from './provision.messages.js';
import { folderKey, type ProjectState, type ProvisionState } from './provision.state.js';
import type { RemoteImport, RemoteMembership } from './infisical-admin.client.js';

/**
 * What provision does, step by step, in the order `--apply` runs them: creates and changes first (projects,
 * their environments, folders and imports; then identities, their Universal Auth, memberships and client
 * secrets), deletions last. `keep` steps change nothing; `extra` are things the layout does not name,
 * deleted only with --prune (they become `delete`).
 */
export type StepAction = 'create' | 'update' | 'keep' | 'extra' | 'delete';

export type ProvisionStep =
  | { kind: 'project'; action: StepAction; project: string; slug: string }
  | { kind: 'environment'; action: StepAction; project: string; slug: string; name: string; environmentId?: string; from?: string }
  | { kind: 'folder'; action: StepAction; project: string; at: FolderRef }
  | { kind: 'import'; action: StepAction; project: string; into: FolderRef; from: FolderRef; remote?: RemoteImport }
  | { kind: 'identity'; action: StepAction; identity: string; organizationRole: string; from?: string }
  | { kind: 'universal-auth'; action: StepAction; identity: string; ttl: number; maxTtl: number; from?: { ttl: number; maxTtl: number } }
  | { kind: 'membership'; action: StepAction; identity: string; identityId?: string; project: string; role: string; from?: string; note?: string }
  | { kind: 'client-secret'; action: StepAction; identity: string; file: string };

export interface ProvisionPlan {
  readonly steps: readonly ProvisionStep[];
  /** What stops --apply (a credentials file of another identity...): nothing is changed while any is left. */
  readonly problems: readonly string[];
}

export interface PlanOptions {
  readonly prune: boolean;
  /** The identity provision logs in as: never changed, its memberships never pruned. Unknown: none are. */
  readonly selfIdentityId?: string;
}

const pathDepth = (path: string) => path.split('/').length;

function planProject(project: ProjectDeclaration, state: ProjectState | undefined, extra: StepAction, steps: ProvisionStep[], deletions: ProvisionStep[]): void {
  steps.push({ kind: 'project', action: state ? 'keep' : 'create', project: project.name, slug: project.slug });
  const remoteEnvironments = new Map((state?.remote.environments ?? []).map((environment) => [environment.slug, environment]));
  for (const environment of project.environments) {
    const remote = remoteEnvironments.get(environment.slug);
    if (!remote) steps.push({ kind: 'environment', action: 'create', project: project.name, slug: environment.slug, name: environment.name });
    else if (remote.name !== environment.name) {
      steps.push({ kind: 'environment', action: 'update', project: project.name, slug: environment.slug, name: environment.name, environmentId: remote.id, from: remote.name });
    } else steps.push({ kind: 'environment', action: 'keep', project: project.name, slug: environment.slug, name: environment.name, environmentId: remote.id });
  }
  for (const environment of project.environments) {
    const existing = state?.folders.get(environment.slug) ?? new Set<string>();
    for (const path of environment.folders) steps.push({ kind: 'folder', action: existing.has(path) ? 'keep' : 'create', project: project.name, at: { environment: environment.slug, path } });
  }
  for (const entry of project.imports) {
    const remote = (state?.imports.get(folderKey(entry.into.environment, entry.into.path)) ?? []).find(
      (known) => known.from.environment === entry.from.environment && known.from.path === entry.from.path,
    );
    steps.push({ kind: 'import', action: remote ? 'keep' : 'create', project: project.name, into: entry.into, from: entry.from, ...(remote && { remote }) });
  }
  if (!state) return;

  // What Infisical has in this project and the layout does not name.
  for (const [key, imports] of state.imports) {
    const [environment, path] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    for (const remote of imports) {
      const declared = project.imports.some(
        (entry) => entry.into.environment === environment && entry.into.path === path && entry.from.environment === remote.from.environment && entry.from.path === remote.from.path,
      );
      if (!declared) deletions.push({ kind: 'import', action: extra, project: project.name, into: { environment, path }, from: remote.from, remote });
    }
  }
  for (const environment of project.environments) {
    const unnamed = [...(state.folders.get(environment.slug) ?? [])].filter((path) => !environment.folders.includes(path));
    // Deepest first, and only the top of an unnamed sub-tree: deleting it deletes what is below.
    const tops = unnamed.filter((path) => !unnamed.some((other) => path.startsWith(`${other}/`)));
    for (const path of tops.sort((a, b) => pathDepth(b) - pathDepth(a))) deletions.push({ kind: 'folder', action: extra, project: project.name, at: { environment: environment.slug, path } });
  }
  for (const remote of state.remote.environments) {
    if (!project.environments.some((environment) => environment.slug === remote.slug)) {
      deletions.push({ kind: 'environment', action: extra, project: project.name, slug: remote.slug, name: remote.name, environmentId: remote.id });
    }
  }
}

function planIdentity(identity: IdentityDeclaration, layout: ProvisionLayout, state: ProvisionState, options: PlanOptions, steps: ProvisionStep[], problems: string[]): void {
  const known = state.identities.get(identity.name);
  const remote = known?.remote;
  if (remote && remote.id === options.selfIdentityId) {
    problems.push(SELF_IN_LAYOUT(identity.name));
    return;
  }
  if (!remote) steps.push({ kind: 'identity', action: 'create', identity: identity.name, organizationRole: identity.organizationRole });
  else if (remote.organizationRole !== identity.organizationRole) {
    steps.push({ kind: 'identity', action: 'update', identity: identity.name, organizationRole: identity.organizationRole, from: remote.organizationRole });
  } else steps.push({ kind: 'identity', action: 'keep', identity: identity.name, organizationRole: identity.organizationRole });

  const ua = known?.universalAuth;
  const ttls = { ttl: identity.accessTokenTTL, maxTtl: identity.accessTokenMaxTTL };
  if (!ua) steps.push({ kind: 'universal-auth', action: 'create', identity: identity.name, ...ttls });
  else if (ua.accessTokenTTL !== ttls.ttl || ua.accessTokenMaxTTL !== ttls.maxTtl) {
    steps.push({ kind: 'universal-auth', action: 'update', identity: identity.name, ...ttls, from: { ttl: ua.accessTokenTTL, maxTtl: ua.accessTokenMaxTTL } });
  } else steps.push({ kind: 'universal-auth', action: 'keep', identity: identity.name, ...ttls });

  const project = state.projects.get(identity.project);
  const membership = remote ? project?.memberships.find((entry) => entry.identityId === remote.id) : undefined;
  const base = { kind: 'membership' as const, identity: identity.name, project: identity.project, role: identity.role };
  if (!membership) steps.push({ ...base, action: 'create' });
  else if (membership.roles.length !== 1 || membership.roles[0] !== identity.role) steps.push({ ...base, action: 'update', from: membership.roles.join('+') || 'none' });
  else steps.push({ ...base, action: 'keep' });

  const file = identity.credentialsFile;
  if (file === undefined) return;
  const written = state.credentialFiles.get(file);
  const shown = relative(process.cwd(), file) || file;
  if (written === undefined) steps.push({ kind: 'client-secret', action: 'create', identity: identity.name, file });
  else if (written.clientId === '') problems.push(CREDENTIALS_FILE_EMPTY(shown, identity.name));
  else if (!ua || written.clientId !== ua.clientId) problems.push(CREDENTIALS_FILE_OF_ANOTHER(shown, identity.name));
  else if (!written.hasClientSecret) problems.push(CREDENTIALS_FILE_EMPTY(shown, identity.name));
  else {
    // The site is compared only when the layout names it; otherwise it is whatever URL provision used.
    const expected = { siteUrl: layout.siteUrl ?? written.siteUrl, projectId: project?.remote.id ?? written.projectId, environment: identity.environment };
    const stale = (Object.keys(expected) as Array<keyof typeof expected>).filter((field) => written[field] !== expected[field]);
    if (stale.length === 0) steps.push({ kind: 'client-secret', action: 'keep', identity: identity.name, file });
    else if (stale.length === 1 && stale[0] === 'siteUrl') problems.push(CREDENTIALS_FILE_OTHER_SITE(shown, identity.name, expected.siteUrl));
    else problems.push(CREDENTIALS_FILE_STALE(shown, identity.name, stale.map((field) => STALE_FIELD[field])));
  }
}

const STALE_FIELD = { siteUrl: 'INFISICAL_SITE_URL', projectId: 'INFISICAL_PROJECT_ID', environment: 'INFISICAL_ENVIRONMENT' } as const;

/** Memberships in the layout's projects of identities the layout does not give that project. */
function planExtraMemberships(layout: ProvisionLayout, state: ProvisionState, options: PlanOptions, extra: StepAction, deletions: ProvisionStep[]): void {
  for (const project of layout.projects) {
    const memberships: readonly RemoteMembership[] = state.projects.get(project.name)?.memberships ?? [];
    for (const membership of memberships) {
      const declared = layout.identities.some((identity) => identity.project === project.name && state.identities.get(identity.name)?.remote.id === membership.identityId);
      if (declared) continue;
      const self = membership.identityId === options.selfIdentityId;
      const note = self ? 'the identity provision logs in as' : options.selfIdentityId === undefined && options.prune ? 'kept: the identity provision logs in as is unknown' : undefined;
      deletions.push({
        kind: 'membership',
        action: self ? 'keep' : note ? 'extra' : extra,
        identity: membership.identityName,
        identityId: membership.identityId,
        project: project.name,
        role: membership.roles.join('+'),
        ...(note && { note }),
      });
    }
  }
}

/** Compares the layout with what Infisical holds and changes nothing, so the plan is shown before any change. */
export function planProvision(layout: ProvisionLayout, state: ProvisionState, options: PlanOptions): ProvisionPlan {
  const steps: ProvisionStep[] = [];
  const deletions: ProvisionStep[] = [];
  const problems: string[] = [];
  const extra: StepAction = options.prune ? 'delete' : 'extra';
  for (const project of layout.projects) planProject(project, state.projects.get(project.name), extra, steps, deletions);
  for (const identity of layout.identities) planIdentity(identity, layout, state, options, steps, problems);
  planExtraMemberships(layout, state, options, extra, deletions);
  // Memberships, imports, folders, then environments: nothing is deleted before what depends on it.
  const order: ProvisionStep['kind'][] = ['membership', 'import', 'folder', 'environment'];
  deletions.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  return { steps: [...steps, ...deletions], problems };
}

/** Counts per action, for the summary line and the exit code. */
export function countSteps(steps: readonly ProvisionStep[]): Record<StepAction, number> {
  const counts: Record<StepAction, number> = { create: 0, update: 0, keep: 0, extra: 0, delete: 0 };
  for (const step of steps) counts[step.action] += 1;
  return counts;
}

export const summarize = (counts: Record<StepAction, number>) =>
  `${counts.create} to create, ${counts.update} to change, ${counts.delete} to delete, ${counts.keep} unchanged` +
  (counts.extra > 0 ? `, ${counts.extra} not in the layout (kept; --prune deletes what provision may delete)` : '');

/** One line per step, by name; never an id or a value. */
export function describeStep(step: ProvisionStep): string {
  switch (step.kind) {
    case 'project':
      return `project ${step.project}`;
    case 'environment':
      return `environment ${step.project}/${step.slug} (${step.name})${step.from !== undefined ? `: renamed from "${step.from}"` : ''}${step.action === 'delete' ? ' with every folder, import and secret in it' : ''}`;
    case 'folder':
      return `folder ${step.project}/${step.at.environment}:${step.at.path}`;
    case 'import':
      return `import into ${step.project}/${step.into.environment}:${step.into.path} from ${step.from.environment}:${step.from.path}`;
    case 'identity':
      return `identity ${step.identity} (organization role ${step.organizationRole}${step.from !== undefined ? `, was ${step.from}` : ''})`;
    case 'universal-auth': {
      const was = step.from ? `, was ${formatDuration(step.from.ttl)} / ${formatDuration(step.from.maxTtl)}` : '';
      return `universal auth of ${step.identity}: token TTL ${formatDuration(step.ttl)}, max TTL ${formatDuration(step.maxTtl)}${was}`;
    }
    case 'membership':
      return `membership of ${step.identity} in ${step.project} as ${step.role || 'no role'}${step.from !== undefined ? ` (was ${step.from})` : ''}${step.note ? ` (${step.note})` : ''}`;
    case 'client-secret':
      return `client secret of ${step.identity} -> ${relative(process.cwd(), step.file) || step.file} (mode 0600)${step.action === 'keep' ? ': already written' : ''}`;
  }
}
