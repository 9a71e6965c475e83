import type { LocalInfisicalSeed } from 'nestjs-infisical-config/testing';

/** Planted in every secret value and in the client secret: it must never show up in logs or errors. */
export const CANARY = 'canary-5f1e9b2c';

export const PROJECT_ID = 'proj-e2e';
export const CLIENT_ID = 'identity-e2e';
export const CLIENT_SECRET = `client-secret-${CANARY}`;
export const OUTSIDER_ID = 'identity-outsider';
export const OUTSIDER_SECRET = `outsider-secret-${CANARY}`;

export const DB_PASSWORD = `db-password-${CANARY}`;

export function e2eSeed(): LocalInfisicalSeed {
  return {
    identities: [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, projects: [PROJECT_ID] },
      { clientId: OUTSIDER_ID, clientSecret: OUTSIDER_SECRET, projects: [] },
    ],
    projects: {
      [PROJECT_ID]: {
        environments: {
          workspace: {
            '/': { secrets: { SHARED_FLAG: `shared-${CANARY}`, DB_HOST: 'workspace-db', LOG_LEVEL: 'info' } },
          },
          dev: {
            '/': {
              secrets: {
                DB_PASSWORD,
                DB_HOST: 'dev-db',
                DB_URL: 'postgres://app:${DB_PASSWORD}@${DB_HOST}/app',
                API_KEY: `api-key-${CANARY}`,
              },
              imports: [{ environment: 'workspace', secretPath: '/' }],
            },
            '/nested': { secrets: { NESTED_ONLY: `nested-${CANARY}`, DB_HOST: 'nested-db' } },
          },
          server: {
            '/': { secrets: { LOG_LEVEL: 'debug', SERVER_ONLY: `server-${CANARY}` } },
          },
        },
      },
    },
  };
}
