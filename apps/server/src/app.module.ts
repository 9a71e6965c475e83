import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InfisicalConfigModule, infisicalOptionsFromEnv } from 'nestjs-infisical-config';
import { AppConfig } from './config/app-config.schema.js';
import { HealthModule } from './health/health.module.js';
import { SecretsCheckModule } from './secrets-check/secrets-check.module.js';

@Module({
  imports: [
    // The one way to wire it (README, "Quick start"): this registers ConfigModule too.
    InfisicalConfigModule.forRootAsync({
      configModule: { envFilePath: ['.env.local', '.env'] },
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ ...infisicalOptionsFromEnv(config), schema: AppConfig }),
    }),
    HealthModule,
    SecretsCheckModule,
  ],
})
export class AppModule {}
