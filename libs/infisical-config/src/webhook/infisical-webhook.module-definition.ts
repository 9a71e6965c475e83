import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { InfisicalWebhookModuleExtras, InfisicalWebhookModuleOptions } from './infisical-webhook.options.js';

/** Token of the webhook options exactly as the user gave them. @internal */
export const INFISICAL_WEBHOOK_MODULE_OPTIONS = Symbol('INFISICAL_WEBHOOK_MODULE_OPTIONS');

/** Token of the resolved webhook options. @internal */
export const INFISICAL_WEBHOOK_OPTIONS = Symbol('INFISICAL_WEBHOOK_OPTIONS');

// The builder gives forRoot/forRootAsync (useFactory, useClass, useExisting) and their types; `path` is an
// extra, fixed at declaration, because it shapes the route. InfisicalWebhookModule wraps the small module
// it builds (which only resolves the options) with the route and the receiver.
export const {
  ConfigurableModuleClass: InfisicalWebhookOptionsModuleBase,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<InfisicalWebhookModuleOptions>({ optionsInjectionToken: INFISICAL_WEBHOOK_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInfisicalWebhookOptions')
  .setExtras<InfisicalWebhookModuleExtras>({ path: '' }, (definition) => definition)
  .build();

/** Options of `InfisicalWebhookModule.forRoot()`: `path` plus the webhook options. */
export type InfisicalWebhookModuleSyncOptions = Omit<typeof OPTIONS_TYPE, 'path'> & InfisicalWebhookModuleExtras;
/** Options of `InfisicalWebhookModule.forRootAsync()`: `path` plus `useFactory`/`useClass`/`useExisting`. */
export type InfisicalWebhookModuleAsyncOptions = Omit<typeof ASYNC_OPTIONS_TYPE, 'path'> & InfisicalWebhookModuleExtras;
