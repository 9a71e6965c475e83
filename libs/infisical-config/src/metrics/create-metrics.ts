import { Logger } from '@nestjs/common';
import type * as PromClient from 'prom-client';
import { METRICS_UNAVAILABLE } from '../infisical-config.messages.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { NO_METRICS, type InfisicalMetrics } from './infisical-metrics.js';
import { PrometheusMetrics } from './prometheus.metrics.js';

/**
 * prom-client is an optional peer dependency: metrics are on when it is installed (unless turned off),
 * and the module works without it.
 */
export async function createMetrics(options: ResolvedInfisicalOptions): Promise<InfisicalMetrics> {
  const { enabled, prefix, registry } = options.metrics;
  if (enabled === false) return NO_METRICS;
  let prom: typeof PromClient;
  try {
    prom = (await import('prom-client')) as typeof PromClient;
  } catch {
    if (enabled === true) throw new Error(METRICS_UNAVAILABLE);
    new Logger('InfisicalConfig').debug(METRICS_UNAVAILABLE);
    return NO_METRICS;
  }
  const target = (registry as PromClient.Registry | undefined) ?? prom.register;
  return new PrometheusMetrics(prom, target, prefix);
}
