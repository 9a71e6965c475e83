import { Logger } from '@nestjs/common';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SecretsDiff } from '../snapshot/snapshot-diff.js';
import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';

/** Log levels a routine (nothing changed) refresh line may use. */
export type RoutineLogLevel = 'log' | 'debug' | 'verbose';

/**
 * One line per load or refresh, with project, scopes (environment and path), source, latency, secret count
 * and what changed; warnings for failures and fallbacks. Key names and counts only, never a value.
 */
export class LoadEventsLogger {
  private readonly logger = new Logger('InfisicalConfig');
  private readonly where: string;
  private readonly routineLevel: RoutineLogLevel;

  constructor(options: ResolvedInfisicalOptions) {
    const scopes = options.scopes.map((scope) => `${scope.environment}:${scope.secretPath}${scope.recursive ? '/**' : ''}`);
    this.where = `project ${options.projectId}, scopes ${scopes.join(' ')}`;
    this.routineLevel = options.routineLogLevel;
  }

  loaded(snapshot: SecretsSnapshot): void {
    this.logger.log(`Loaded ${snapshot.size} secrets from ${snapshot.source} (${this.where}) in ${snapshot.latencyMs} ms`);
  }

  refreshed(snapshot: SecretsSnapshot, diff: SecretsDiff | undefined): void {
    const head = `Refreshed ${snapshot.size} secrets from ${snapshot.source} (${this.where}) in ${snapshot.latencyMs} ms`;
    if (!diff) return this.logger[this.routineLevel](`${head}: nothing changed`);
    this.logger.log(`${head}: ${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed`);
  }

  warn(message: string): void {
    this.logger.warn(message);
  }

  error(message: string): void {
    this.logger.error(message);
  }

  info(message: string): void {
    this.logger.log(message);
  }
}
