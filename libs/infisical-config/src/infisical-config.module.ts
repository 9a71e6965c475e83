import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { DEFAULTS, INFISICAL_CONFIG_OPTIONS } from './infisical-config.constants.js';
import {
  INFISICAL_CONFIG_MODULE_OPTIONS,
  InfisicalConfigOptionsModuleBase,
  type InfisicalConfigModuleAsyncOptions,
  type InfisicalConfigModuleSyncOptions,
} from './infisical-config.module-definition.js';
import type { InfisicalConfigModuleExtras } from './infisical-config.options.js';
import { InfisicalConfigService } from './infisical-config.service.js';
import { createInfisicalConfigProviders } from './infisical-config.providers.js';
import { configModuleWaitingForSecrets } from './loader/config-module.registration.js';
import { SecretsReadySignal } from './loader/secrets-ready.signal.js';
import { TypedInfisicalConfig } from './validation/typed-config.js';

/**
 * Resolves the user's options. It also holds a bootstrap `ConfigService` that reads only `.env` files and
 * `process.env` (an options factory that injects `ConfigService` gets this one, because the app-wide
 * `ConfigService` waits for the secrets that these options are needed to load), and the app's
 * {@link SecretsReadySignal}, which `ConfigService` waits on.
 * @internal
 */
@Module({})
export class InfisicalConfigOptionsModule extends InfisicalConfigOptionsModuleBase {}

const BOOTSTRAP_CONFIG_SERVICE: Provider = { provide: ConfigService, useFactory: () => new ConfigService() };

/**
 * Loads secrets from Infisical before anything reads configuration. It registers `@nestjs/config`'s
 * `ConfigModule` itself, with a `load` factory that waits for the first load: `ConfigService` (and so
 * every provider or async module factory that injects it) only exists once the secrets are in it and in
 * `process.env`. Each app built from it loads and waits for its own values: the static call creates no
 * state, every piece of state is a provider.
 */
@Module({})
export class InfisicalConfigModule {
  static forRoot(options: InfisicalConfigModuleSyncOptions): DynamicModule {
    return InfisicalConfigModule.assemble(InfisicalConfigOptionsModule.forRoot(options), options);
  }

  static forRootAsync(options: InfisicalConfigModuleAsyncOptions): DynamicModule {
    return InfisicalConfigModule.assemble(InfisicalConfigOptionsModule.forRootAsync(options), options);
  }

  private static assemble(optionsModule: DynamicModule, extras: InfisicalConfigModuleExtras): DynamicModule {
    const isGlobal = extras.isGlobal ?? DEFAULTS.isGlobal;
    const optionsTimeoutMs = extras.optionsTimeoutMs ?? DEFAULTS.optionsTimeoutMs;
    // One object, imported here and by ConfigModule: one instance (one signal) per app.
    const readyModule: DynamicModule = {
      ...optionsModule,
      providers: [
        ...(optionsModule.providers ?? []),
        BOOTSTRAP_CONFIG_SERVICE,
        { provide: SecretsReadySignal, useFactory: () => new SecretsReadySignal(optionsTimeoutMs) },
      ],
      exports: [INFISICAL_CONFIG_MODULE_OPTIONS, SecretsReadySignal],
    };
    return {
      module: InfisicalConfigModule,
      global: isGlobal,
      imports: [DiscoveryModule, readyModule, configModuleWaitingForSecrets(readyModule, isGlobal, extras.configModule ?? {})],
      providers: createInfisicalConfigProviders(),
      exports: [InfisicalConfigService, TypedInfisicalConfig, INFISICAL_CONFIG_OPTIONS, ConfigModule],
    };
  }
}
