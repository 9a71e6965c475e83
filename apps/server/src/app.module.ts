import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
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
      useFactory: (config: ConfigService) => ({
        ...infisicalOptionsFromEnv(config),
        schema: AppConfig,
        // Tokens signed with the JWT secret a rotation replaced keep verifying for one TTL.
        rotation: { keepPrevious: ['JWT_SECRET'] },
      }),
    }),
    // The app's own scheduler; the module's refresh timers show up in its SchedulerRegistry.
    ScheduleModule.forRoot(),
    HealthModule,
    SecretsCheckModule,
  ],
})
export class AppModule {}
