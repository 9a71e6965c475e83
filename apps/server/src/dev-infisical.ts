import { Logger } from '@nestjs/common';
import { BOOTSTRAP_VARIABLES } from 'nestjs-infisical-config';
import { LocalInfisicalServer } from 'nestjs-infisical-config/testing';
import { randomBytes } from 'node:crypto';
import { demoSeed, DEMO_CLIENT_ID, DEMO_ENVIRONMENT, DEMO_PROJECT_ID, DEMO_WEBHOOK_PATH } from './demo-secrets.seed.js';

const logger = new Logger('DevInfisical');

/**
 * Without any INFISICAL_* variable and outside production, starts the local Infisical-compatible server
 * seeded with sample secrets and points the app at it, so `npm start` works on a fresh machine.
 * Returns the server to close on shutdown, or undefined when a real Infisical is configured.
 */
export async function startDevInfisicalIfUnconfigured(env: NodeJS.ProcessEnv = process.env): Promise<LocalInfisicalServer | undefined> {
  const configured = Object.values(BOOTSTRAP_VARIABLES).some((name) => env[name] !== undefined);
  if (configured || env.NODE_ENV === 'production') return undefined;

  const clientSecret = randomBytes(24).toString('hex'); // fresh per run: nothing to leak, nothing committed
  const server = await LocalInfisicalServer.start({ seed: demoSeed(clientSecret) });
  // The local server signs its webhooks with this key; the demo's receiver checks them with it.
  env.INFISICAL_WEBHOOK_SECRET ??= randomBytes(24).toString('hex');
  Object.assign(env, {
    [BOOTSTRAP_VARIABLES.siteUrl]: server.url,
    [BOOTSTRAP_VARIABLES.projectId]: DEMO_PROJECT_ID,
    [BOOTSTRAP_VARIABLES.environment]: DEMO_ENVIRONMENT,
    [BOOTSTRAP_VARIABLES.clientId]: DEMO_CLIENT_ID,
    [BOOTSTRAP_VARIABLES.clientSecret]: clientSecret,
  });
  logger.warn(
    `No INFISICAL_* variables set: started a local Infisical-compatible server at ${server.url} with sample secrets. ` +
      `To use a real Infisical, set ${Object.values(BOOTSTRAP_VARIABLES).join(', ')} (see README, "Run against a real Infisical").`,
  );
  return server;
}

/** Has the local server deliver its webhook to the demo, as you would register one in Infisical. */
export function deliverDevWebhooks(server: LocalInfisicalServer, appUrl: string, env: NodeJS.ProcessEnv = process.env): void {
  server.addWebhook({
    projectId: DEMO_PROJECT_ID,
    environment: DEMO_ENVIRONMENT,
    secretPath: '/',
    url: `${appUrl}/${DEMO_WEBHOOK_PATH}`,
    secretKey: env.INFISICAL_WEBHOOK_SECRET,
  });
}
