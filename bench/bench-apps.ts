import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { InfisicalConfigModule, infisicalOptionsFromEnv } from 'nestjs-infisical-config';
/** The consumer both apps share: reads its settings from ConfigService in its constructor. */
@Injectable()
class DatabaseSettings {
  readonly password: string | undefined;
  constructor(config: ConfigService) {
    this.password = config.get('DB_PASSWORD');
  }
}

@Module({ providers: [DatabaseSettings] })
class ConsumerModule {}

/** Baseline: plain @nestjs/config reading a .env file. */
export function baselineApp(envFile: string): DynamicModule {
  return { module: class BaselineApp {}, imports: [ConfigModule.forRoot({ isGlobal: true, envFilePath: envFile }), ConsumerModule] };
}

/** The documented wiring of the module, against the local server. */
export function infisicalApp(envFile: string): DynamicModule {
  return {
    module: class InfisicalApp {},
    imports: [
      InfisicalConfigModule.forRootAsync({
        configModule: { envFilePath: envFile },
        inject: [ConfigService],
        useFactory: (config: ConfigService) => infisicalOptionsFromEnv(config),
      }),
      ConsumerModule,
    ],
  };
}
