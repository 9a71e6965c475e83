export { InfisicalConfigModule } from './infisical-config.module.js';
export type { InfisicalConfigModuleAsyncOptions, InfisicalConfigModuleSyncOptions } from './infisical-config.module-definition.js';
export type {
  InfisicalConfigModuleExtras,
  InfisicalConfigModuleOptions,
  InfisicalScope,
  ProcessEnvMode,
  UniversalAuthCredentials,
} from './infisical-config.options.js';
export { InfisicalConfigService } from './infisical-config.service.js';
export { BOOTSTRAP_VARIABLES, INFISICAL_CONFIG_OPTIONS, INFISICAL_SDK_FACTORY } from './infisical-config.constants.js';
export { infisicalOptionsFromEnv, type EnvReader } from './options/options-from-env.util.js';
export type { ResolvedInfisicalOptions } from './options/resolved-options.interface.js';
export { SecretsSnapshot, type SecretsSource, type SecretValues } from './snapshot/secrets-snapshot.js';
export { InfisicalConfigOptionsError } from './errors/infisical-config-options.error.js';
export { InfisicalLoadError, type InfisicalLoadStep } from './errors/infisical-load.error.js';
export type { InfisicalSdkFactory } from './source/infisical-sdk.factory.js';
export { InfisicalHealthIndicator } from './health/infisical.health.js';
export type { InfisicalRefreshOptions } from './infisical-config.options.js';
export type { InfisicalConfigStatus, InfisicalConfigProblem } from './infisical-config.status.js';
export type { SecretsChange } from './snapshot/snapshot.store.js';
export type { SecretsDiff } from './snapshot/snapshot-diff.js';
export type { RefreshOutcome } from './refresh/refresh.coordinator.js';
export { REFRESH_TIMER, TOKEN_RENEWAL_TIMER } from './refresh/refresh.scheduler.js';
export type { InfisicalHealthRules } from './health/infisical-health.rules.js';
export type { InfisicalHealthDetails } from './health/infisical.health.js';
export type {
  InfisicalDotenvFallbackOptions,
  InfisicalFileCacheOptions,
} from './infisical-config.options.js';
export { InfisicalCacheError, type CacheProblem } from './errors/infisical-cache.error.js';
export { TypedInfisicalConfig } from './validation/typed-config.js';
export { InjectInfisicalConfig } from './validation/inject-infisical-config.decorator.js';
export type { ConfigSchema } from './validation/config-schema.validator.js';
export { InfisicalConfigValidationError, type ConfigValidationProblem } from './errors/infisical-config-validation.error.js';
export { InfisicalAuthError, type InfisicalAuthProblem } from './errors/infisical-auth.error.js';
export { InfisicalAccessError } from './errors/infisical-access.error.js';
export { SecretNotFoundError, type MissingSecretsTarget } from './errors/secret-not-found.error.js';
export { InfisicalConnectionError, type InfisicalConnectionProblem } from './errors/infisical-connection.error.js';
export { failureCause, type LoadFailureCause } from './errors/failure-cause.util.js';
export type { InfisicalLoadErrorOptions } from './errors/infisical-load.error.js';
export type { InfisicalMetricsOptions } from './infisical-config.options.js';
