import { createHash, createPublicKey, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from './local-infisical.seed.js';
import type { LocalInfisicalIdentity } from './local-infisical.seed.js';
import type { LocalInfisicalOrganizationRole, LocalInfisicalProjectRole } from './permission.policy.js';

/** Kubernetes Auth with its key parsed and its lists defaulted (empty = anything allowed). */
export interface KubernetesAuthConfig {
  publicKey: KeyObject;
  allowedNamespaces: readonly string[];
  allowedNames: readonly string[];
  allowedAudience?: string;
}

export interface OidcAuthConfig {
  publicKey: KeyObject;
  boundIssuer: string;
  boundAudiences: readonly string[];
  boundSubject?: string;
}

export interface JwtAuthConfig {
  publicKey: KeyObject;
  boundIssuer?: string;
  boundAudiences: readonly string[];
  boundSubject?: string;
}

export interface AwsAuthConfig {
  allowedAccessKeyIds: readonly string[];
}

/** An IP range as upstream stores it (`extractIPDetails`): `0.0.0.0/0` is `{ipAddress: '0.0.0.0', type: 'ipv4', prefix: 0}`. */
export interface TrustedIp {
  ipAddress: string;
  type: 'ipv4' | 'ipv6';
  prefix?: number;
}

/** Upstream's default for both trusted-IP lists: anywhere. */
export const ANYWHERE: readonly TrustedIp[] = [
  { ipAddress: '0.0.0.0', type: 'ipv4', prefix: 0 },
  { ipAddress: '::', type: 'ipv6', prefix: 0 },
];

/** One Universal Auth client secret; only its digest is kept, as upstream keeps only a hash. */
export interface ClientSecretRecord {
  id: string;
  description: string;
  /** the first 4 characters, as upstream shows them */
  prefix: string;
  digest: Buffer;
  numUses: number;
  /** 0 = unlimited */
  numUsesLimit: number;
  /** seconds after creation; 0 = never expires */
  ttlSeconds: number;
  createdAtMs: number;
  createdAt: string;
  updatedAt: string;
  revoked: boolean;
}

/** The Universal Auth settings the attach and update routes take. */
export interface UniversalAuthSettings {
  /** seconds; 0 = no TTL */
  accessTokenTTL: number;
  /** seconds; 0 = no max TTL */
  accessTokenMaxTTL: number;
  /** stored and shown; not enforced here */
  accessTokenNumUsesLimit: number;
  /** stored and shown; not enforced here (every client is local) */
  accessTokenTrustedIps: TrustedIp[];
  clientSecretTrustedIps: TrustedIp[];
}

export interface UniversalAuthConfig extends UniversalAuthSettings {
  id: string;
  clientId: string;
  createdAt: string;
  updatedAt: string;
  clientSecrets: ClientSecretRecord[];
}

export interface MembershipRole {
  /** regenerated when the roles change, as upstream re-inserts its role rows */
  id: string;
  role: LocalInfisicalProjectRole;
}

export interface ProjectMembership {
  id: string;
  projectId: string;
  roles: MembershipRole[];
  createdAt: string;
  updatedAt: string;
}

/** A machine identity of the organization, seeded or created through the API. */
export interface RegisteredIdentity {
  identityId: string;
  name: string;
  organizationRole: LocalInfisicalOrganizationRole;
  /** id of its organization membership (the org identity list shows it) */
  organizationMembershipId: string;
  createdAt: string;
  updatedAt: string;
  /** projectId -> membership */
  memberships: Map<string, ProjectMembership>;
  /** seconds; token lifetimes of the workload logins (Universal Auth has its own in `universalAuth`) */
  accessTokenTTL: number;
  /** seconds */
  accessTokenMaxTTL: number;
  universalAuth?: UniversalAuthConfig;
  kubernetesAuth?: KubernetesAuthConfig;
  oidcAuth?: OidcAuthConfig;
  jwtAuth?: JwtAuthConfig;
  awsAuth?: AwsAuthConfig;
}

/** An identity that has Universal Auth. */
export type UniversalAuthIdentity = RegisteredIdentity & { universalAuth: UniversalAuthConfig };

/** An absent list is an empty one: no restriction, as an empty field is on the real server. */
const list = (values: readonly string[] | undefined): readonly string[] => values ?? [];

const digestOf = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Upstream's names of the auth methods, in the order the identity routes list them. */
export function authMethodsOf(identity: RegisteredIdentity): string[] {
  const methods: Array<[unknown, string]> = [
    [identity.universalAuth, 'universal-auth'],
    [identity.kubernetesAuth, 'kubernetes-auth'],
    [identity.oidcAuth, 'oidc-auth'],
    [identity.jwtAuth, 'jwt-auth'],
    [identity.awsAuth, 'aws-auth'],
  ];
  return methods.filter(([config]) => config !== undefined).map(([, name]) => name);
}

function workloadMethods(identity: LocalInfisicalIdentity): Pick<RegisteredIdentity, 'kubernetesAuth' | 'oidcAuth' | 'jwtAuth' | 'awsAuth'> {
  const { kubernetesAuth, oidcAuth, jwtAuth, awsAuth } = identity;
  return {
    ...(kubernetesAuth && {
      kubernetesAuth: {
        publicKey: createPublicKey(kubernetesAuth.publicKeyPem),
        allowedNamespaces: list(kubernetesAuth.allowedNamespaces),
        allowedNames: list(kubernetesAuth.allowedNames),
        ...(kubernetesAuth.allowedAudience !== undefined && { allowedAudience: kubernetesAuth.allowedAudience }),
      },
    }),
    ...(oidcAuth && {
      oidcAuth: {
        publicKey: createPublicKey(oidcAuth.publicKeyPem),
        boundIssuer: oidcAuth.boundIssuer,
        boundAudiences: list(oidcAuth.boundAudiences),
        ...(oidcAuth.boundSubject !== undefined && { boundSubject: oidcAuth.boundSubject }),
      },
    }),
    ...(jwtAuth && {
      jwtAuth: {
        publicKey: createPublicKey(jwtAuth.publicKeyPem),
        ...(jwtAuth.boundIssuer !== undefined && { boundIssuer: jwtAuth.boundIssuer }),
        boundAudiences: list(jwtAuth.boundAudiences),
        ...(jwtAuth.boundSubject !== undefined && { boundSubject: jwtAuth.boundSubject }),
      },
    }),
    ...(awsAuth && { awsAuth: { allowedAccessKeyIds: list(awsAuth.allowedAccessKeyIds) } }),
  };
}

/**
 * The organization's machine identities: who may log in (by client id for Universal Auth, by identity id
 * for the rest), their organization role, their project memberships. Seeded at start; the management
 * routes create, change and delete them.
 */
export class IdentityRegistry {
  private readonly byClientId = new Map<string, UniversalAuthIdentity>();
  /** insertion order is creation order */
  private readonly byIdentityId = new Map<string, RegisteredIdentity>();

  constructor(
    identities: readonly LocalInfisicalIdentity[],
    private readonly now: () => number,
  ) {
    for (const seeded of identities) this.register(seeded);
  }

  /** Universal Auth: only identities with a client id. */
  findByClientId(clientId: string): UniversalAuthIdentity | undefined {
    return this.byClientId.get(clientId);
  }

  findById(identityId: string): RegisteredIdentity | undefined {
    return this.byIdentityId.get(identityId);
  }

  /** Every identity of the organization, oldest first. */
  list(): RegisteredIdentity[] {
    return [...this.byIdentityId.values()];
  }

  /** The identities with a membership in the project, oldest first. */
  membersOf(projectId: string): RegisteredIdentity[] {
    return this.list().filter((identity) => identity.memberships.has(projectId));
  }

  create(name: string, organizationRole: LocalInfisicalOrganizationRole): RegisteredIdentity {
    const timestamp = this.timestamp();
    const identity: RegisteredIdentity = {
      identityId: randomUUID(),
      name,
      organizationRole,
      organizationMembershipId: randomUUID(),
      createdAt: timestamp,
      updatedAt: timestamp,
      memberships: new Map(),
      // no workload method can be configured through the API, so these never issue a token
      accessTokenTTL: DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
      accessTokenMaxTTL: DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    };
    this.byIdentityId.set(identity.identityId, identity);
    return identity;
  }

  update(identity: RegisteredIdentity, changes: { name?: string; organizationRole?: LocalInfisicalOrganizationRole }): void {
    if (changes.name !== undefined) identity.name = changes.name;
    if (changes.organizationRole !== undefined) identity.organizationRole = changes.organizationRole;
    identity.updatedAt = this.timestamp();
  }

  /** Forgets the identity, its memberships and its Universal Auth; its tokens are the issuer's to revoke. */
  remove(identity: RegisteredIdentity): void {
    this.byIdentityId.delete(identity.identityId);
    if (identity.universalAuth) this.byClientId.delete(identity.universalAuth.clientId);
  }

  attachUniversalAuth(identity: RegisteredIdentity, settings: UniversalAuthSettings, clientId: string = randomUUID()): UniversalAuthConfig {
    const timestamp = this.timestamp();
    const config: UniversalAuthConfig = { id: randomUUID(), clientId, createdAt: timestamp, updatedAt: timestamp, clientSecrets: [], ...settings };
    identity.universalAuth = config;
    this.byClientId.set(clientId, identity as UniversalAuthIdentity);
    return config;
  }

  updateUniversalAuth(config: UniversalAuthConfig, changes: Partial<UniversalAuthSettings>): void {
    for (const [field, value] of Object.entries(changes)) {
      if (value !== undefined) Object.assign(config, { [field]: value });
    }
    config.updatedAt = this.timestamp();
  }

  /** A new client secret (64 hex characters, as upstream makes them); the value is returned, never kept. */
  createClientSecret(
    config: UniversalAuthConfig,
    options: { description: string; numUsesLimit: number; ttlSeconds: number },
    clientSecret: string = randomBytes(32).toString('hex'),
  ): { clientSecret: string; record: ClientSecretRecord } {
    const createdAtMs = this.now();
    const timestamp = new Date(createdAtMs).toISOString();
    const record: ClientSecretRecord = {
      id: randomUUID(),
      description: options.description,
      prefix: clientSecret.slice(0, 4),
      digest: digestOf(clientSecret),
      numUses: 0,
      numUsesLimit: options.numUsesLimit,
      ttlSeconds: options.ttlSeconds,
      createdAtMs,
      createdAt: timestamp,
      updatedAt: timestamp,
      revoked: false,
    };
    config.clientSecrets.push(record);
    return { clientSecret, record };
  }

  /** Marks one client secret revoked (it logs in no more); undefined when the config has no such secret. */
  revokeClientSecret(config: UniversalAuthConfig, clientSecretId: string): ClientSecretRecord | undefined {
    const record = config.clientSecrets.find((candidate) => candidate.id === clientSecretId);
    if (!record) return undefined;
    record.revoked = true;
    record.updatedAt = this.timestamp();
    return record;
  }

  /** The live client secret equal to `given`, compared in constant time (a test server should not teach a bad habit). */
  matchClientSecret(config: UniversalAuthConfig, given: string): ClientSecretRecord | undefined {
    const digest = digestOf(given);
    return config.clientSecrets.find((record) => !record.revoked && timingSafeEqual(record.digest, digest));
  }

  addMembership(identity: RegisteredIdentity, projectId: string, roles: readonly LocalInfisicalProjectRole[]): ProjectMembership {
    const timestamp = this.timestamp();
    const membership: ProjectMembership = { id: randomUUID(), projectId, roles: this.roleRows(roles), createdAt: timestamp, updatedAt: timestamp };
    identity.memberships.set(projectId, membership);
    return membership;
  }

  setMembershipRoles(membership: ProjectMembership, roles: readonly LocalInfisicalProjectRole[]): void {
    membership.roles = this.roleRows(roles);
    membership.updatedAt = this.timestamp();
  }

  removeMembership(identity: RegisteredIdentity, projectId: string): ProjectMembership | undefined {
    const membership = identity.memberships.get(projectId);
    identity.memberships.delete(projectId);
    return membership;
  }

  private register(seeded: LocalInfisicalIdentity): void {
    const accessTokenTTL = seeded.accessTokenTTL ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    const accessTokenMaxTTL = seeded.accessTokenMaxTTL ?? accessTokenTTL;
    const timestamp = this.timestamp();
    const identity: RegisteredIdentity = {
      identityId: seeded.identityId ?? randomUUID(),
      name: seeded.name ?? seeded.clientId ?? seeded.identityId ?? 'identity',
      organizationRole: seeded.organizationRole ?? 'member',
      organizationMembershipId: randomUUID(),
      createdAt: timestamp,
      updatedAt: timestamp,
      memberships: new Map(),
      accessTokenTTL,
      accessTokenMaxTTL,
      ...workloadMethods(seeded),
    };
    this.byIdentityId.set(identity.identityId, identity);
    for (const projectId of seeded.projects) this.addMembership(identity, projectId, [seeded.projectRole ?? 'admin']);
    if (seeded.clientId !== undefined && seeded.clientSecret !== undefined) {
      const settings = { accessTokenTTL, accessTokenMaxTTL, accessTokenNumUsesLimit: 0, accessTokenTrustedIps: [...ANYWHERE], clientSecretTrustedIps: [...ANYWHERE] };
      const config = this.attachUniversalAuth(identity, settings, seeded.clientId);
      this.createClientSecret(config, { description: '', numUsesLimit: 0, ttlSeconds: 0 }, seeded.clientSecret);
    }
  }

  private roleRows(roles: readonly LocalInfisicalProjectRole[]): MembershipRole[] {
    return roles.map((role) => ({ id: randomUUID(), role }));
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}
