// The public API, by name. Nothing inside the library imports this file.

// Module and options
export { InfisicalConfigModule } from './infisical-config.module.js';
export type { InfisicalConfigModuleAsyncOptions, InfisicalConfigModuleSyncOptions } from './infisical-config.module-definition.js';
export type {
  InfisicalConfigModuleExtras,
  InfisicalConfigModuleOptions,
  InfisicalDotenvFallbackOptions,
  InfisicalFileCacheOptions,
  InfisicalFleetOptions,
  InfisicalMetricsOptions,
  InfisicalRefreshOptions,
  InfisicalRotationOptions,
  InfisicalScope,
  ProcessEnvMode,
  UniversalAuthCredentials,
  KubernetesAuthCredentials,
  AwsIamAuthCredentials,
  JwtAuthCredentials,
  AccessTokenCredentials,
  InfisicalAuthOptions,
  InfisicalAuthMethod,
} from './infisical-config.options.js';
export { infisicalOptionsFromEnv, type EnvReader } from './options/options-from-env.util.js';
export type { ResolvedInfisicalOptions } from './options/resolved-options.interface.js';
export { AUTH_VARIABLES, BOOTSTRAP_VARIABLES, INFISICAL_CONFIG_OPTIONS } from './infisical-config.constants.js';

// Reading values
export { InfisicalConfigService } from './infisical-config.service.js';
export type { InfisicalConfigProblem, InfisicalConfigStatus } from './infisical-config.status.js';
export { SecretsSnapshot, type SecretsSource, type SecretValues } from './snapshot/secrets-snapshot.js';
export type { SecretsChange } from './snapshot/snapshot.store.js';
export type { SecretsDiff } from './snapshot/snapshot-diff.js';
export type { RefreshOutcome } from './refresh/refresh.coordinator.js';
export { REFRESH_TIMER, TOKEN_RENEWAL_TIMER } from './refresh/refresh.scheduler.js';

// Rotation
export { RotationProbe, type RotationProbeMethod, type RotationProbeOptions } from './rotation/rotation-probe.decorator.js';

// Typed, validated configuration
export { TypedInfisicalConfig } from './validation/typed-config.js';
export { InjectInfisicalConfig } from './validation/inject-infisical-config.decorator.js';
export type { ConfigSchema } from './validation/config-schema.validator.js';

// Health
export { InfisicalHealthIndicator, type InfisicalHealthDetails } from './health/infisical.health.js';
export type { InfisicalHealthRules } from './health/infisical-health.rules.js';

// Errors
export { InfisicalConfigOptionsError } from './errors/infisical-config-options.error.js';
export { InfisicalLoadError, type InfisicalLoadErrorOptions, type InfisicalLoadStep } from './errors/infisical-load.error.js';
export { InfisicalAuthError, type InfisicalAuthProblem } from './errors/infisical-auth.error.js';
export { InfisicalAccessError } from './errors/infisical-access.error.js';
export { SecretNotFoundError, type MissingSecretsTarget } from './errors/secret-not-found.error.js';
export { InfisicalConnectionError, type InfisicalConnectionProblem } from './errors/infisical-connection.error.js';
export { InfisicalCacheError, type CacheProblem } from './errors/infisical-cache.error.js';
export { InfisicalConfigValidationError, type ConfigValidationProblem } from './errors/infisical-config-validation.error.js';
export { failureCause, type LoadFailureCause } from './errors/failure-cause.util.js';

// Push: Infisical webhooks
export { InfisicalWebhookModule } from './webhook/infisical-webhook.module.js';
export type { InfisicalWebhookModuleAsyncOptions, InfisicalWebhookModuleSyncOptions } from './webhook/infisical-webhook.module-definition.js';
export type { InfisicalWebhookModuleExtras, InfisicalWebhookModuleOptions } from './webhook/infisical-webhook.options.js';
export { InfisicalWebhookReceiver } from './webhook/infisical-webhook.receiver.js';
export { InfisicalWebhookOptionsError } from './webhook/resolve-webhook-options.js';
