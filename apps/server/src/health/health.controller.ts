import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { InfisicalHealthIndicator } from 'nestjs-infisical-config';
import { ShutdownState } from './shutdown.state.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly infisical: InfisicalHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Liveness never depends on Infisical: an orchestrator must not restart pods because Infisical blinked. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: the secrets (source, staleness) and whether the app is shutting down. */
  @Get(['ready', ''])
  @HealthCheck()
  ready() {
    return this.health.check([
      () => (this.shutdown.shuttingDown ? this.indicators.check('lifecycle').down({ shuttingDown: true }) : this.indicators.check('lifecycle').up()),
      () => this.infisical.isHealthy('infisical'),
    ]);
  }
}
