import type { DynamicModule, FactoryProvider, Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { UNSUPPORTED_CONFIG_MODULE } from '../infisical-config.messages.js';
import type { InfisicalConfigModuleExtras } from '../infisical-config.options.js';
import { SecretsReadySignal } from './secrets-ready.signal.js';

/** Token of the `load` factory through which the first snapshot reaches `ConfigService`. */
export const INFISICAL_VALUES = 'INFISICAL_CONFIG_VALUES';

const isValuesProvider = (provider: Provider) => typeof provider === 'object' && 'provide' in provider && provider.provide === INFISICAL_VALUES;

/**
 * `@nestjs/config`'s `ConfigModule.forRoot()`, with a `load` factory that waits for this app's first
 * snapshot: `ConfigService` is built only after its load factories resolve, so every consumer of it, in
 * any module, runs after the secrets are in.
 *
 * `ConfigModule` calls a load factory without arguments, and the module returned by `forRoot()` is shared
 * by every app built from the same `AppModule`. So the factory's provider is replaced by one that injects
 * the app's own {@link SecretsReadySignal}, from `readyModule` (imported here): each app waits for its own
 * values. The factory is registered under a `KEY` and without a namespace, as `registerAs` documents, so
 * its values merge into the root of the configuration.
 */
export async function configModuleWaitingForSecrets(
  readyModule: DynamicModule,
  isGlobal: boolean,
  options: NonNullable<InfisicalConfigModuleExtras['configModule']>,
): Promise<DynamicModule> {
  const placeholder = Object.assign(() => ({}), { KEY: INFISICAL_VALUES });
  // Last, so Infisical's values win over the app's own load factories for the same key.
  const module = await ConfigModule.forRoot({ ...options, isGlobal, load: [...(options.load ?? []), placeholder] });
  const providers = module.providers ?? [];
  if (!providers.some(isValuesProvider)) throw new Error(UNSUPPORTED_CONFIG_MODULE);
  const waiting: FactoryProvider = {
    provide: INFISICAL_VALUES,
    inject: [SecretsReadySignal],
    useFactory: (signal: SecretsReadySignal) => signal.waitForValues(),
  };
  return {
    ...module,
    imports: [...(module.imports ?? []), readyModule],
    providers: providers.map((provider) => (isValuesProvider(provider) ? waiting : provider)),
  };
}
