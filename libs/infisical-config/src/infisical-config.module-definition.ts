import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULTS } from './infisical-config.constants.js';
import type { InfisicalConfigModuleExtras, InfisicalConfigModuleOptions } from './infisical-config.options.js';

/** Token of the options exactly as the user gave them (resolved once, by the module's providers). */
export const INFISICAL_CONFIG_MODULE_OPTIONS = Symbol('INFISICAL_CONFIG_MODULE_OPTIONS');

// The builder gives forRoot/forRootAsync (useFactory, useClass, useExisting) and their types. It builds
// the small inner module that resolves the options; InfisicalConfigModule wraps it (see there why).
export const {
  ConfigurableModuleClass: InfisicalConfigOptionsModuleBase,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<InfisicalConfigModuleOptions>({ optionsInjectionToken: INFISICAL_CONFIG_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInfisicalConfigOptions')
  .setExtras<InfisicalConfigModuleExtras>(
    { isGlobal: DEFAULTS.isGlobal, configModule: {}, optionsTimeoutMs: DEFAULTS.optionsTimeoutMs },
    (definition) => definition,
  )
  .build();

/** Options of `InfisicalConfigModule.forRoot()`: the Infisical options plus the module extras. */
export type InfisicalConfigModuleSyncOptions = typeof OPTIONS_TYPE;
/** Options of `InfisicalConfigModule.forRootAsync()`: `useFactory`/`useClass`/`useExisting` plus the extras. */
export type InfisicalConfigModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
