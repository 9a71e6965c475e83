import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { InfisicalConfigModule, InfisicalWebhookModule, infisicalOptionsFromEnv } from 'nestjs-infisical-config';
import { AppConfig } from './config/app-config.schema.js';
import { HealthModule } from './health/health.module.js';
import { DEMO_WEBHOOK_PATH } from './demo-secrets.seed.js';
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
        // Replicas share one fetch through Redis when FLEET_REDIS_URL is set (docker-compose.yml runs two);
        // the snapshot there is sealed with INFISICAL_CACHE_KEY, the file cache's key.
        ...(config.get('FLEET_REDIS_URL') ? { fleet: { redis: config.get<string>('FLEET_REDIS_URL') as string } } : {}),
      }),
    }),
    // Infisical's webhook (README, "Push: Infisical webhooks"): a rotation reaches the app at once.
    InfisicalWebhookModule.forRootAsync({
      path: DEMO_WEBHOOK_PATH,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ secret: config.get<string>('INFISICAL_WEBHOOK_SECRET') }),
    }),
    // The app's own scheduler; the module's refresh timers show up in its SchedulerRegistry.
    ScheduleModule.forRoot(),
    HealthModule,
    SecretsCheckModule,
  ],
})
export class AppModule {}
