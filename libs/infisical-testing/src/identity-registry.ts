import { randomUUID } from 'node:crypto';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from './local-infisical.seed.js';
import type { LocalInfisicalIdentity } from './local-infisical.seed.js';

/** A seeded identity with its defaults applied once, here. */
export interface RegisteredIdentity {
  identityId: string;
  clientId: string;
  clientSecret: string;
  projects: ReadonlySet<string>;
  /** seconds */
  accessTokenTTL: number;
  /** seconds */
  accessTokenMaxTTL: number;
}

/** The machine identities that may log in, by client id. */
export class IdentityRegistry {
  private readonly byClientId = new Map<string, RegisteredIdentity>();

  constructor(identities: readonly LocalInfisicalIdentity[]) {
    for (const identity of identities) {
      const accessTokenTTL = identity.accessTokenTTL ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
      this.byClientId.set(identity.clientId, {
        identityId: randomUUID(),
        clientId: identity.clientId,
        clientSecret: identity.clientSecret,
        projects: new Set(identity.projects),
        accessTokenTTL,
        accessTokenMaxTTL: identity.accessTokenMaxTTL ?? accessTokenTTL,
      });
    }
  }

  find(clientId: string): RegisteredIdentity | undefined {
    return this.byClientId.get(clientId);
  }
}
