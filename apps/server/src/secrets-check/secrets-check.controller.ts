import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InfisicalConfigService } from 'nestjs-infisical-config';
import { DatabaseSettings } from './database-settings.service.js';

/**
 * Keys this app expects; the report says whether each is set, never a value, length or hash. There is no
 * route that triggers a refresh: an unauthenticated one would let anyone drive calls against Infisical's
 * rate limit. Rotations arrive through the scheduled refresh.
 */
export const EXPECTED_KEYS = ['DATABASE_URL', 'DB_PASSWORD', 'JWT_SECRET', 'APP_NAME'] as const;

@Controller('secrets')
export class SecretsCheckController {
  constructor(
    private readonly config: ConfigService,
    private readonly infisical: InfisicalConfigService,
    private readonly database: DatabaseSettings,
  ) {}

  @Get('check')
  check() {
    return {
      source: this.infisical.source,
      keys: EXPECTED_KEYS.map((key) => ({
        key,
        inConfigService: this.config.get(key) !== undefined,
        inProcessEnv: process.env[key] !== undefined,
      })),
      databaseSettingsLoadedInConstructor: this.database.url !== undefined && this.database.password !== undefined,
      databaseReconnects: this.database.reconnects,
    };
  }
}
