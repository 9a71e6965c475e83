import { Module } from '@nestjs/common';
import { DatabaseSettings } from './database-settings.service.js';
import { SecretsCheckController } from './secrets-check.controller.js';

@Module({ controllers: [SecretsCheckController], providers: [DatabaseSettings] })
export class SecretsCheckModule {}
