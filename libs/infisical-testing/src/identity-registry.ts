import { createPublicKey, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from './local-infisical.seed.js';
import type { LocalInfisicalIdentity } from './local-infisical.seed.js';

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

/** A seeded identity with its defaults applied once, here. */
export interface RegisteredIdentity {
  identityId: string;
  /** set with clientSecret when the identity has Universal Auth */
  clientId?: string;
  clientSecret?: string;
  projects: ReadonlySet<string>;
  /** seconds */
  accessTokenTTL: number;
  /** seconds */
  accessTokenMaxTTL: number;
  kubernetesAuth?: KubernetesAuthConfig;
  oidcAuth?: OidcAuthConfig;
  jwtAuth?: JwtAuthConfig;
  awsAuth?: AwsAuthConfig;
}

/** An identity that has Universal Auth. */
export type UniversalAuthIdentity = RegisteredIdentity & { clientId: string; clientSecret: string };

/** An absent list is an empty one: no restriction, as an empty field is on the real server. */
const list = (values: readonly string[] | undefined): readonly string[] => values ?? [];

function register(identity: LocalInfisicalIdentity): RegisteredIdentity {
  const accessTokenTTL = identity.accessTokenTTL ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  const { kubernetesAuth, oidcAuth, jwtAuth, awsAuth } = identity;
  return {
    identityId: identity.identityId ?? randomUUID(),
    ...(identity.clientId !== undefined && { clientId: identity.clientId, clientSecret: identity.clientSecret }),
    projects: new Set(identity.projects),
    accessTokenTTL,
    accessTokenMaxTTL: identity.accessTokenMaxTTL ?? accessTokenTTL,
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

/** The machine identities that may log in: by client id (Universal Auth) and by identity id (the rest). */
export class IdentityRegistry {
  private readonly byClientId = new Map<string, UniversalAuthIdentity>();
  private readonly byIdentityId = new Map<string, RegisteredIdentity>();

  constructor(identities: readonly LocalInfisicalIdentity[]) {
    for (const identity of identities) {
      const registered = register(identity);
      this.byIdentityId.set(registered.identityId, registered);
      if (registered.clientId !== undefined) this.byClientId.set(registered.clientId, registered as UniversalAuthIdentity);
    }
  }

  /** Universal Auth: only identities with a client id. */
  findByClientId(clientId: string): UniversalAuthIdentity | undefined {
    return this.byClientId.get(clientId);
  }

  findById(identityId: string): RegisteredIdentity | undefined {
    return this.byIdentityId.get(identityId);
  }
}
