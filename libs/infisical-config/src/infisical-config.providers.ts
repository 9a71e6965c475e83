import { Logger, type Provider } from '@nestjs/common';
import { INFISICAL_CONFIG_OPTIONS, INFISICAL_SDK_FACTORY } from './infisical-config.constants.js';
import { INFISICAL_CONFIG_MODULE_OPTIONS } from './infisical-config.module-definition.js';
import type { InfisicalConfigModuleOptions } from './infisical-config.options.js';
import { InfisicalConfigService } from './infisical-config.service.js';
import { InfisicalLoadError } from './errors/infisical-load.error.js';
import { LOADED, STARTUP_TIMEOUT } from './infisical-config.messages.js';
import { SecretsLoader } from './loader/secrets.loader.js';
import type { SecretsReadySignal } from './loader/secrets-ready.signal.js';
import { withTimeout } from './loader/with-timeout.util.js';
import { resolveInfisicalOptions } from './options/resolve-options.js';
import type { ResolvedInfisicalOptions } from './options/resolved-options.interface.js';
import { createInfisicalSdk, type InfisicalSdkFactory } from './source/infisical-sdk.factory.js';
import { InfisicalSource } from './source/infisical.source.js';
import { writeProcessEnv } from './snapshot/process-env.writer.js';

const logger = new Logger('InfisicalConfig');

function describeScopes(options: ResolvedInfisicalOptions): string {
  const scopes = options.scopes.map((scope) => `${scope.environment}:${scope.secretPath}${scope.recursive ? '/**' : ''}`);
  return `project ${options.projectId}, ${scopes.join(', ')}`;
}

/** Runs `step`, and lets `ConfigService` fail with the same error instead of waiting for values. */
async function failingSignal<T>(signal: SecretsReadySignal, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    signal.fail(error);
    throw error;
  }
}

async function loadFirstSnapshot(loader: SecretsLoader, options: ResolvedInfisicalOptions, signal: SecretsReadySignal) {
  const timeoutError = () => new InfisicalLoadError(STARTUP_TIMEOUT(options.startupTimeoutMs, options.siteUrl), 'startup', undefined);
  const snapshot = await withTimeout(loader.load(), options.startupTimeoutMs, timeoutError);
  // process.env first: by the time ConfigService is released, every way of reading agrees.
  writeProcessEnv(snapshot.values, options.processEnv);
  logger.log(LOADED(snapshot.size, describeScopes(options), snapshot.latencyMs));
  signal.ready(snapshot.values);
  return new InfisicalConfigService(snapshot);
}

/** The providers of one module registration, chained: options → source → loader → service. */
export function createInfisicalConfigProviders(signal: SecretsReadySignal): Provider[] {
  return [
    { provide: INFISICAL_SDK_FACTORY, useValue: createInfisicalSdk },
    {
      provide: INFISICAL_CONFIG_OPTIONS,
      inject: [INFISICAL_CONFIG_MODULE_OPTIONS],
      useFactory: (options: InfisicalConfigModuleOptions) =>
        failingSignal(signal, () => {
          signal.optionsReceived();
          return resolveInfisicalOptions(options);
        }),
    },
    {
      provide: InfisicalSource,
      inject: [INFISICAL_CONFIG_OPTIONS, INFISICAL_SDK_FACTORY],
      useFactory: (options: ResolvedInfisicalOptions, createSdk: InfisicalSdkFactory) => new InfisicalSource(options, createSdk),
    },
    {
      provide: SecretsLoader,
      inject: [InfisicalSource, INFISICAL_CONFIG_OPTIONS],
      useFactory: (source: InfisicalSource, options: ResolvedInfisicalOptions) => new SecretsLoader(source, options),
    },
    {
      provide: InfisicalConfigService,
      inject: [SecretsLoader, INFISICAL_CONFIG_OPTIONS],
      useFactory: (loader: SecretsLoader, options: ResolvedInfisicalOptions) =>
        failingSignal(signal, () => loadFirstSnapshot(loader, options, signal)),
    },
  ];
}
