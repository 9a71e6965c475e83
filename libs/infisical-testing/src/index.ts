export { LocalInfisicalServer } from './local-infisical.server.js';
export type { LocalInfisicalServerOptions } from './local-infisical.server.js';
export type { LocalInfisicalRoute } from './local-infisical.routes.js';
export type { LocalInfisicalFault } from './fault-injector.js';
export type { LoginLockoutOptions } from './login-lockout.js';
export { loadLocalInfisicalSeed } from './local-infisical.seed.js';
export type {
  LocalInfisicalAwsAuth,
  LocalInfisicalFolder,
  LocalInfisicalIdentity,
  LocalInfisicalJwtAuth,
  LocalInfisicalKubernetesAuth,
  LocalInfisicalOidcAuth,
  LocalInfisicalProject,
  LocalInfisicalSeed,
} from './local-infisical.seed.js';
export type { LocalInfisicalOrganizationRole, LocalInfisicalProjectRole } from './permission.policy.js';
export type {
  LocalInfisicalSeedWebhook,
  LocalInfisicalWebhook,
  LocalInfisicalWebhookDelivery,
  LocalInfisicalWebhookSignatureFormat,
} from './local-infisical.webhooks.js';
export { LocalInfisicalSeedError } from './local-infisical-seed.error.js';
