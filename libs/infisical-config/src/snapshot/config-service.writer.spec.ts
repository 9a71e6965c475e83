import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { configModuleWaitingForSecrets } from '../loader/config-module.registration.js';
import { SecretsReadySignal } from '../loader/secrets-ready.signal.js';
import { CONFIGURATION_TOKEN, ConfigServiceWriter } from './config-service.writer.js';
import { SecretsSnapshot } from './secrets-snapshot.js';
import { diffSnapshots } from './snapshot-diff.js';

// What this library relies on in @nestjs/config, proven against the installed version: a release that
// changes any of it fails here, not in a user's app.

const snapshot = (values: Record<string, string>) => new SecretsSnapshot(values, 'infisical', new Date(), 1);

/** A ready module with a signal that releases `values` at once, and the ConfigModule that waits for it. */
async function bootWith(values: Record<string, string>, extraImports: DynamicModule[] = []) {
  const signal = new SecretsReadySignal(1_000);
  signal.optionsReceived();
  signal.ready(values);
  @Module({ providers: [{ provide: SecretsReadySignal, useValue: signal }], exports: [SecretsReadySignal] })
  class ReadyModule {}
  const readyModule: DynamicModule = { module: ReadyModule };
  const databaseConfig = registerAs('database', () => ({ host: 'from-register-as' }));
  const configModule = await configModuleWaitingForSecrets(readyModule, true, { ignoreEnvFile: true, load: [databaseConfig] });
  const moduleRef = await Test.createTestingModule({ imports: [configModule, ...extraImports] }).compile();
  return {
    config: moduleRef.get(ConfigService),
    configuration: moduleRef.get<Record<string, unknown>>(CONFIGURATION_TOKEN),
    close: () => moduleRef.close(),
  };
}

describe('what the library relies on in @nestjs/config', () => {
  it("ConfigModule.forRoot registers a load factory under its KEY, so the app's own signal can be injected in its place", async () => {
    const { config, close } = await bootWith({ DB_PASSWORD: 'first' });
    expect(config.get('DB_PASSWORD')).toBe('first');
    expect(config.get('database.host')).toBe('from-register-as'); // the app's own registerAs namespaces still work
    await close();
  });

  it('ConfigService.get reads the object under CONFIGURATION_TOKEN before process.env; the writer changes it in one step', async () => {
    const { config, configuration, close } = await bootWith({ DB_PASSWORD: 'first', GONE: 'soon' });
    process.env.GONE = 'from-env';
    const writer = new ConfigServiceWriter(configuration, config);
    const events: Array<{ path: string }> = [];
    const subscription = config.changes$.subscribe((event) => events.push(event));

    const previous = snapshot({ DB_PASSWORD: 'first', GONE: 'soon' });
    const next = snapshot({ DB_PASSWORD: 'second', ADDED: 'new' });
    writer.apply(next, diffSnapshots(previous, next));

    expect(config.get('DB_PASSWORD')).toBe('second');
    expect(config.get('ADDED')).toBe('new');
    expect(config.get('GONE')).toBe('from-env'); // removed: falls back to process.env, as in a normal boot
    expect(config.getOrThrow('DB_PASSWORD')).toBe('second');
    expect(events.map((event) => event.path).sort()).toEqual(['ADDED', 'DB_PASSWORD', 'GONE']);
    subscription.unsubscribe();
    delete process.env.GONE;
    await close();
  });

  it('ConfigModule.forFeature sees the same values', async () => {
    const feature = ConfigModule.forFeature(registerAs('mail', () => ({ from: 'noreply' })));
    const { config, configuration, close } = await bootWith({ SMTP_PASSWORD: 'first' }, [feature]);
    const writer = new ConfigServiceWriter(configuration, config);
    const previous = snapshot({ SMTP_PASSWORD: 'first' });
    const next = snapshot({ SMTP_PASSWORD: 'second' });
    writer.apply(next, diffSnapshots(previous, next));
    expect(config.get('SMTP_PASSWORD')).toBe('second');
    expect(config.get('mail.from')).toBe('noreply');
    await close();
  });
});
