import type { OnApplicationShutdown } from '@nestjs/common';
import type * as PromClient from 'prom-client';
import type { InfisicalConfigStatus } from '../infisical-config.status.js';
import type { SecretsSource } from '../snapshot/secrets-snapshot.js';
import type { CacheReadOutcome, FetchOutcome, InfisicalMetrics, RefreshMetricOutcome } from './infisical-metrics.js';

const SOURCES: readonly SecretsSource[] = ['infisical', 'file-cache', 'dotenv'];

/** The library's metrics on a prom-client registry; removed from it again on shutdown. */
export class PrometheusMetrics implements InfisicalMetrics, OnApplicationShutdown {
  private readonly fetchDuration: PromClient.Histogram<'scope' | 'outcome'>;
  private readonly failures: PromClient.Counter<'cause'>;
  private readonly refreshes: PromClient.Counter<'outcome'>;
  private readonly probeFailures: PromClient.Counter<'probe'>;
  private readonly fallbacks: PromClient.Counter<'source'>;
  private readonly cacheReads: PromClient.Counter<'outcome'>;
  private readonly cacheWrites: PromClient.Counter<'outcome'>;
  private readonly names: string[] = [];
  private status: (() => InfisicalConfigStatus) | undefined;

  constructor(
    prom: typeof PromClient,
    private readonly registry: PromClient.Registry,
    prefix: string,
  ) {
    const registers = [registry];
    const name = (suffix: string) => {
      const full = prefix + suffix;
      // One app per process owns the names: a newer instance (a restarted app, a test) takes them over.
      registry.removeSingleMetric(full);
      this.names.push(full);
      return full;
    };
    this.fetchDuration = new prom.Histogram({
      name: name('fetch_duration_seconds'),
      help: 'Duration of fetching one scope from Infisical, by scope (environment:path) and outcome',
      labelNames: ['scope', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.failures = new prom.Counter({ name: name('failures_total'), help: 'Failed loads by cause', labelNames: ['cause'], registers });
    this.refreshes = new prom.Counter({ name: name('refreshes_total'), help: 'Refreshes by outcome (applied, unchanged, refused, failed)', labelNames: ['outcome'], registers });
    this.probeFailures = new prom.Counter({ name: name('probe_failures_total'), help: 'Refreshes refused by a rotation probe, by probe (Class.method)', labelNames: ['probe'], registers });
    this.fallbacks = new prom.Counter({ name: name('fallback_activations_total'), help: 'Boots served by a fallback, by source', labelNames: ['source'], registers });
    this.cacheReads = new prom.Counter({ name: name('cache_reads_total'), help: 'Encrypted file cache reads by outcome (hit, miss, refused)', labelNames: ['outcome'], registers });
    this.cacheWrites = new prom.Counter({ name: name('cache_writes_total'), help: 'Encrypted file cache writes by outcome', labelNames: ['outcome'], registers });
    const metrics = this;
    new prom.Gauge({
      name: name('source'),
      help: 'Source of the values in use: 1 for the current one (infisical, file-cache, dotenv)',
      labelNames: ['source'],
      registers,
      collect() {
        const current = metrics.status?.().source;
        for (const source of SOURCES) this.set({ source }, source === current ? 1 : 0);
      },
    });
    new prom.Gauge({
      name: name('values_age_seconds'),
      help: 'Age of the values in use (time since they were fetched)',
      registers,
      collect() {
        const status = metrics.status?.();
        if (status) this.set(status.ageMs / 1000);
      },
    });
  }

  /** Where the gauges read the current state (the service exists after the metrics). */
  track(status: () => InfisicalConfigStatus): void {
    this.status = status;
  }

  observeFetch(scope: string, outcome: FetchOutcome, seconds: number): void {
    this.fetchDuration.observe({ scope, outcome }, seconds);
  }

  countFailure(cause: string): void {
    this.failures.inc({ cause });
  }

  countRefresh(outcome: RefreshMetricOutcome): void {
    this.refreshes.inc({ outcome });
  }

  countProbeFailure(probe: string): void {
    this.probeFailures.inc({ probe });
  }

  countFallback(source: Exclude<SecretsSource, 'infisical'>): void {
    this.fallbacks.inc({ source });
  }

  countCacheRead(outcome: CacheReadOutcome): void {
    this.cacheReads.inc({ outcome });
  }

  countCacheWrite(outcome: FetchOutcome): void {
    this.cacheWrites.inc({ outcome });
  }

  onApplicationShutdown(): void {
    for (const metricName of this.names) this.registry.removeSingleMetric(metricName);
  }
}
