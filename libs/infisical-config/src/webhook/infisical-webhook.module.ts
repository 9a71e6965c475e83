import { Module, type DynamicModule } from '@nestjs/common';
import { INFISICAL_CONFIG_OPTIONS } from '../infisical-config.constants.js';
import { InfisicalConfigService } from '../infisical-config.service.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { createInfisicalWebhookController } from './infisical-webhook.controller.js';
import {
  INFISICAL_WEBHOOK_MODULE_OPTIONS,
  INFISICAL_WEBHOOK_OPTIONS,
  InfisicalWebhookOptionsModuleBase,
  type InfisicalWebhookModuleAsyncOptions,
  type InfisicalWebhookModuleSyncOptions,
} from './infisical-webhook.module-definition.js';
import type { InfisicalWebhookModuleOptions, ResolvedWebhookOptions } from './infisical-webhook.options.js';
import { InfisicalWebhookReceiver } from './infisical-webhook.receiver.js';
import { normalizeRoutePath, resolveWebhookOptions } from './resolve-webhook-options.js';

/** Resolves the user's webhook options (forRoot, or forRootAsync's factory). @internal */
@Module({})
export class InfisicalWebhookOptionsModule extends InfisicalWebhookOptionsModuleBase {}

/**
 * Receives Infisical's webhooks at `POST /<path>` and refreshes through `InfisicalConfigService.refresh()`.
 * Needs `InfisicalConfigModule` (global by default) and an app created with `{ rawBody: true }`. The static
 * calls create no state: the receiver (seen signatures, the coalescer) is a provider of each app.
 */
@Module({})
export class InfisicalWebhookModule {
  static forRoot(options: InfisicalWebhookModuleSyncOptions): DynamicModule {
    return InfisicalWebhookModule.assemble(InfisicalWebhookOptionsModule.forRoot(options), options.path);
  }

  static forRootAsync(options: InfisicalWebhookModuleAsyncOptions): DynamicModule {
    return InfisicalWebhookModule.assemble(InfisicalWebhookOptionsModule.forRootAsync(options), options.path);
  }

  private static assemble(optionsModule: DynamicModule, path: string): DynamicModule {
    // An unusable path is reported at boot with the other option problems; the route is then never served.
    const route = normalizeRoutePath(path) ?? 'infisical-webhook-invalid-path';
    return {
      module: InfisicalWebhookModule,
      imports: [{ ...optionsModule, exports: [INFISICAL_WEBHOOK_MODULE_OPTIONS] }],
      controllers: [createInfisicalWebhookController(route)],
      providers: [
        {
          provide: INFISICAL_WEBHOOK_OPTIONS,
          inject: [INFISICAL_WEBHOOK_MODULE_OPTIONS],
          useFactory: (options: InfisicalWebhookModuleOptions) => resolveWebhookOptions(options, path),
        },
        {
          provide: InfisicalWebhookReceiver,
          inject: [INFISICAL_WEBHOOK_OPTIONS, INFISICAL_CONFIG_OPTIONS, InfisicalConfigService],
          useFactory: (options: ResolvedWebhookOptions, config: ResolvedInfisicalOptions, service: InfisicalConfigService) =>
            new InfisicalWebhookReceiver(options, config, service),
        },
      ],
      exports: [InfisicalWebhookReceiver],
    };
  }
}
