import type { LocalInfisicalSeed } from 'nestjs-infisical-config/testing';
import { CANARY, CLIENT_ID, e2eSeed, PROJECT_ID } from './seed.js';

export const VITE_API_URL = `https://api.example.com/${CANARY}`;
export const VITE_PUBLIC_KEY = `pk-${CANARY}`;

/** The e2e seed, with `VITE_*` keys for a build, a token that can be renewed (TTL below max TTL), an empty environment and a migration target. */
export function cliSeed(): LocalInfisicalSeed {
  const seed = e2eSeed();
  const identities = seed.identities.map((identity) =>
    identity.clientId === CLIENT_ID ? { ...identity, accessTokenTTL: 3600, accessTokenMaxTTL: 30 * 24 * 3600 } : identity,
  );
  const dev = seed.projects[PROJECT_ID].environments.dev;
  dev['/'].secrets = { ...dev['/'].secrets, VITE_API_URL, VITE_PUBLIC_KEY };
  seed.projects[PROJECT_ID].environments.empty = { '/': { secrets: {} } };
  seed.projects[PROJECT_ID].environments.target = { '/': { secrets: { EXISTING_KEY: `existing-${CANARY}`, SAME_KEY: `same-${CANARY}` } } };
  return { ...seed, identities };
}
