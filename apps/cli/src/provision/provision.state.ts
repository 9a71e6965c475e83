import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { BOOTSTRAP_VARIABLES } from '../../../../libs/infisical-config/src/infisical-config.constants.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { InfisicalAdminClient, RemoteIdentity, RemoteImport, RemoteMembership, RemoteProject, RemoteUniversalAuth } from './infisical-admin.client.js';
import { childPath } from './folder-path.util.js';
import type { ProvisionLayout } from './provision-layout.js';
import { AMBIGUOUS_NAME } from './provision.messages.js';

/** What Infisical holds of one declared project. */
export interface ProjectState {
  readonly remote: RemoteProject;
  /** environment slug → every folder path in it (`/` excluded) */
  readonly folders: ReadonlyMap<string, ReadonlySet<string>>;
  /** `environment:path` → the imports of that folder, for the folders the layout declares */
  readonly imports: ReadonlyMap<string, readonly RemoteImport[]>;
  readonly memberships: readonly RemoteMembership[];
}

export interface IdentityState {
  readonly remote: RemoteIdentity;
  readonly universalAuth?: RemoteUniversalAuth;
}

/** Everything the plan compares the layout with: only what the layout names (projects, identities, files). */
export interface ProvisionState {
  readonly projects: ReadonlyMap<string, ProjectState>;
  readonly identities: ReadonlyMap<string, IdentityState>;
  /** the identity provision logs in as, when the organization's identities were read and the token names it */
  readonly self?: RemoteIdentity;
  /** credentials files that exist → what they hold besides the secret */
  readonly credentialFiles: ReadonlyMap<string, WrittenCredentials>;
}

/** The four values of a credentials file that are not the secret ('' for one the file lacks), and whether it holds one. */
export interface WrittenCredentials {
  readonly siteUrl: string;
  readonly projectId: string;
  readonly environment: string;
  readonly clientId: string;
  readonly hasClientSecret: boolean;
}

export const folderKey = (environment: string, path: string) => `${environment}:${path}`;

/** The one entry of that name, or none; two of one name cannot be told apart, so the layout cannot name them. */
function byName<T extends { name: string }>(entries: readonly T[], name: string, plural: string): T | undefined {
  const named = entries.filter((entry) => entry.name === name);
  if (named.length > 1) throw new CliError(AMBIGUOUS_NAME(plural, name), EXIT.findings);
  return named[0];
}

async function readProject(client: InfisicalAdminClient, remote: RemoteProject, layout: ProvisionLayout['projects'][number]): Promise<ProjectState> {
  const folders = new Map<string, Set<string>>();
  const imports = new Map<string, RemoteImport[]>();
  const existing = new Set(remote.environments.map((environment) => environment.slug));
  for (const environment of layout.environments) {
    if (!existing.has(environment.slug)) continue;
    // The whole tree, so that --prune sees folders the layout no longer names.
    const paths = new Set<string>();
    const pending = ['/'];
    while (pending.length > 0) {
      const parent = pending.shift() as string;
      for (const name of await client.listFolders(remote, { environment: environment.slug, path: parent })) {
        const path = childPath(parent, name);
        paths.add(path);
        pending.push(path);
      }
    }
    folders.set(environment.slug, paths);
    for (const path of ['/', ...environment.folders]) {
      if (path === '/' || paths.has(path)) imports.set(folderKey(environment.slug, path), await client.listImports(remote, { environment: environment.slug, path }));
    }
  }
  return { remote, folders, imports, memberships: await client.listMemberships(remote) };
}

function readCredentialFiles(layout: ProvisionLayout): Map<string, WrittenCredentials> {
  const files = new Map<string, WrittenCredentials>();
  for (const identity of layout.identities) {
    const file = identity.credentialsFile;
    if (file === undefined || !existsSync(file)) continue;
    try {
      const values = parse(readFileSync(file));
      files.set(file, {
        siteUrl: values[BOOTSTRAP_VARIABLES.siteUrl] ?? '',
        projectId: values[BOOTSTRAP_VARIABLES.projectId] ?? '',
        environment: values[BOOTSTRAP_VARIABLES.environment] ?? '',
        clientId: values[BOOTSTRAP_VARIABLES.clientId] ?? '',
        hasClientSecret: (values[BOOTSTRAP_VARIABLES.clientSecret] ?? '') !== '',
      });
    } catch (error) {
      throw new CliError(`cannot read the credentials file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, EXIT.usage);
    }
  }
  return files;
}

/**
 * Which visible project each layout project means: the one with its slug (unique in the organization),
 * else the one with its name unless another layout project claims that one's slug. Layout slugs are
 * unique, so no Infisical project is meant by two layout projects.
 */
function matchProjects(declared: ProvisionLayout['projects'], visible: readonly RemoteProject[]): Map<ProvisionLayout['projects'][number], RemoteProject> {
  const claimedSlugs = new Set(declared.map((project) => project.slug));
  const matches = new Map<ProvisionLayout['projects'][number], RemoteProject>();
  for (const project of declared) {
    const bySlug = visible.find((candidate) => candidate.slug === project.slug);
    const named = bySlug ? undefined : byName(visible, project.name, 'projects');
    const remote = bySlug ?? (named && !claimedSlugs.has(named.slug) ? named : undefined);
    if (remote) matches.set(project, remote);
  }
  return matches;
}

/** Reads what the layout names from Infisical (GETs only) and the credentials files on disk. */
export async function readProvisionState(client: InfisicalAdminClient, layout: ProvisionLayout, selfIdentityId?: string): Promise<ProvisionState> {
  const projects = new Map<string, ProjectState>();
  for (const [project, remote] of matchProjects(layout.projects, await client.listProjects())) projects.set(project.name, await readProject(client, remote, project));
  const identities = new Map<string, IdentityState>();
  let self: RemoteIdentity | undefined;
  if (layout.identities.length > 0) {
    const remoteIdentities = await client.listIdentities(layout.organizationId);
    self = remoteIdentities.find((identity) => identity.id === selfIdentityId);
    for (const identity of layout.identities) {
      const remote = byName(remoteIdentities, identity.name, 'machine identities');
      if (!remote) continue;
      const universalAuth = await client.getUniversalAuth(remote);
      identities.set(identity.name, universalAuth ? { remote, universalAuth } : { remote });
    }
  }
  return { projects, identities, ...(self && { self }), credentialFiles: readCredentialFiles(layout) };
}
