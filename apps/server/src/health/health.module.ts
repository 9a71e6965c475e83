import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InfisicalHealthIndicator } from 'nestjs-infisical-config';
import { HealthController } from './health.controller.js';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [InfisicalHealthIndicator] })
export class HealthModule {}
