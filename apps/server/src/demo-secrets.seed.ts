import type { LocalInfisicalSeed } from 'nestjs-infisical-config/testing';

export const DEMO_PROJECT_ID = 'demo-project';
export const DEMO_ENVIRONMENT = 'dev';
export const DEMO_CLIENT_ID = 'demo-server-identity';
/** Where the demo receives Infisical's webhook (POST). */
export const DEMO_WEBHOOK_PATH = 'webhooks/infisical';

/** Sample secrets for the local server; the layout mirrors a real project (shared values imported). */
export function demoSeed(clientSecret: string): LocalInfisicalSeed {
  return {
    identities: [{ clientId: DEMO_CLIENT_ID, clientSecret, projects: [DEMO_PROJECT_ID] }],
    projects: {
      [DEMO_PROJECT_ID]: {
        environments: {
          workspace: { '/': { secrets: { APP_NAME: 'spec-server', LOG_LEVEL: 'info' } } },
          dev: {
            '/': {
              secrets: {
                DB_HOST: 'localhost',
                DB_PASSWORD: 'sample-db-password',
                DATABASE_URL: 'postgres://app:${DB_PASSWORD}@${DB_HOST}:5432/app',
                JWT_SECRET: 'sample-jwt-secret',
              },
              imports: [{ environment: 'workspace', secretPath: '/' }],
            },
          },
        },
      },
    },
  };
}
