import { Module } from '@nestjs/common';
import { DatabaseProbe } from './database.probe.js';
import { DatabaseSettings } from './database-settings.service.js';
import { SecretsCheckController } from './secrets-check.controller.js';

@Module({ controllers: [SecretsCheckController], providers: [DatabaseSettings, DatabaseProbe] })
export class SecretsCheckModule {}
