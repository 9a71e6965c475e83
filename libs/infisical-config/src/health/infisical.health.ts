import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InfisicalConfigService } from '../infisical-config.service.js';

/**
 * Terminus indicator for the loaded secrets: reports the source in use and the last fetch latency,
 * never a value. Add it to the providers of the module that holds your health controller.
 */
@Injectable()
export class InfisicalHealthIndicator {
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    private readonly infisicalConfig: InfisicalConfigService,
  ) {}

  /** @param key the key of the indicator in the health result, e.g. `infisical` */
  isHealthy(key: string) {
    const snapshot = this.infisicalConfig.currentSnapshot;
    return this.healthIndicatorService.check(key).up({
      source: snapshot.source,
      fallback: snapshot.source !== 'infisical',
      latencyMs: snapshot.latencyMs,
      secretCount: snapshot.size,
      fetchedAt: snapshot.fetchedAt.toISOString(),
    });
  }
}
