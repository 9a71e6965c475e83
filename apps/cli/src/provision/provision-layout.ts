// A layout after reading and checking: names resolved, defaults applied, durations in seconds.

export interface FolderRef {
  readonly environment: string;
  readonly path: string;
}

export interface ImportDeclaration {
  /** the folder that imports */
  readonly into: FolderRef;
  /** the folder it imports from */
  readonly from: FolderRef;
}

export interface EnvironmentDeclaration {
  readonly slug: string;
  readonly name: string;
  /** every folder the layout names in this environment, parents included, `/` excluded; parents first */
  readonly folders: readonly string[];
}

export interface ProjectDeclaration {
  readonly name: string;
  /** unique in the organization: what keeps a project provision cannot see from being created twice */
  readonly slug: string;
  readonly environments: readonly EnvironmentDeclaration[];
  readonly imports: readonly ImportDeclaration[];
}

export interface IdentityDeclaration {
  readonly name: string;
  readonly project: string;
  readonly environment: string;
  readonly role: string;
  readonly organizationRole: string;
  /** seconds */
  readonly accessTokenTTL: number;
  /** seconds */
  readonly accessTokenMaxTTL: number;
  /** absolute path; no client secret is issued without one */
  readonly credentialsFile?: string;
}

export interface ProvisionLayout {
  readonly organizationId: string;
  /** written into credentials files; the URL provision connects to when absent */
  readonly siteUrl?: string;
  readonly projects: readonly ProjectDeclaration[];
  readonly identities: readonly IdentityDeclaration[];
}

export const DEFAULT_PROJECT_ROLE = 'viewer';
export const DEFAULT_ORGANIZATION_ROLE = 'no-access';
