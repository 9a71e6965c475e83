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
