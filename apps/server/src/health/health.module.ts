import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InfisicalHealthIndicator } from 'nestjs-infisical-config';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { ShutdownState } from './shutdown.state.js';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController, MetricsController],
  providers: [InfisicalHealthIndicator, ShutdownState],
})
export class HealthModule {}
