import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { EMPTY_SCOPE, EMPTY_SCOPE_REMEDY, KEY_SKIPPED, KEYS_OVERRIDDEN, LOAD_FAILED, VALUES_OVERSIZED } from '../infisical-config.messages.js';
import { NO_METRICS, type InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import type { InfisicalSource } from '../source/infisical.source.js';
import { mergeScopes, type MergedSecrets } from './merge-secrets.util.js';
import { LARGE_LOAD, yieldToEventLoop } from './yield.util.js';

/** What a refresh loads a new snapshot with: Infisical itself, or the fleet (which falls back to Infisical). */
export interface SnapshotLoader {
  load(requireSecrets?: boolean, signal?: AbortSignal): Promise<SecretsSnapshot>;
}

/** Loads every scope (one list call per scope, in parallel, after a login when needed) into a new snapshot. */
export class SecretsLoader implements SnapshotLoader {
  private readonly logger = new Logger('InfisicalConfig');
  /** What was last warned about: the same problems are not repeated on every refresh. */
  private lastReported = '';
  /** The last snapshot built from Infisical: when every scope answers 304, its values are reused as they are. */
  private lastBuilt: SecretsSnapshot | undefined;

  constructor(
    private readonly source: InfisicalSource,
    private readonly options: ResolvedInfisicalOptions,
    private readonly metrics: InfisicalMetrics = NO_METRICS,
  ) {}

  /**
   * @param requireSecrets fail on a scope that comes back empty (at boot: likely a typo)
   * @param signal aborts the requests (the load's deadline, shutdown)
   */
  async load(requireSecrets = false, signal?: AbortSignal): Promise<SecretsSnapshot> {
    const started = performance.now();
    const fetched = await Promise.all(this.options.scopes.map((scope) => this.fetchTimed(scope, signal)));
    const latencyMs = Math.round(performance.now() - started);
    if (this.lastBuilt && fetched.every(({ list }) => list.notModified)) return new SecretsSnapshot(this.lastBuilt, 'infisical', new Date(), latencyMs);
    if (requireSecrets) this.rejectEmptyScopes(fetched);
    // Merging, building the snapshot and (in the refresh) diffing are each long for a large load: the
    // event loop turns between them.
    const large = fetched.reduce((count, scope) => count + scope.secrets.length, 0) > LARGE_LOAD;
    if (large) await yieldToEventLoop();
    const merged = mergeScopes(fetched);
    this.reportMergeProblems(merged);
    if (large) await yieldToEventLoop();
    this.lastBuilt = new SecretsSnapshot(merged.values, 'infisical', new Date(), latencyMs);
    if (large) await yieldToEventLoop();
    return this.lastBuilt;
  }

  private rejectEmptyScopes(fetched: readonly { scope: ResolvedInfisicalOptions['scopes'][number]; secrets: readonly unknown[] }[]): void {
    const empty = fetched.find(({ scope, secrets }) => secrets.length === 0 && !scope.allowEmpty);
    if (!empty) return;
    const { environment, secretPath } = empty.scope;
    const reason = EMPTY_SCOPE(environment, secretPath);
    throw new SecretNotFoundError(LOAD_FAILED(this.options.siteUrl, this.options.projectId, 'list secrets', reason, EMPTY_SCOPE_REMEDY), 'list secrets', 200, reason, 'scope');
  }

  /**
   * Key names only: a skipped key is never written anywhere, an overridden one follows the precedence.
   * Warned once, and again only when the problems change.
   */
  private reportMergeProblems({ skipped, overridden, oversized }: MergedSecrets): void {
    const report = JSON.stringify([skipped, overridden, oversized]);
    if (report === this.lastReported) return;
    this.lastReported = report;
    for (const { key, reason } of skipped) this.logger.warn(KEY_SKIPPED(key, reason));
    if (overridden.length > 0) this.logger.warn(KEYS_OVERRIDDEN(overridden));
    if (oversized.length > 0) this.logger.warn(VALUES_OVERSIZED(oversized));
  }

  private async fetchTimed(scope: ResolvedInfisicalOptions['scopes'][number], signal: AbortSignal | undefined) {
    const started = performance.now();
    const label = `${scope.environment}:${scope.secretPath}`;
    try {
      const list = await this.source.fetchScope(scope, signal);
      this.metrics.observeFetch(label, 'success', (performance.now() - started) / 1000);
      return { scope, secretPath: scope.secretPath, secrets: list.secrets, list };
    } catch (error) {
      this.metrics.observeFetch(label, 'failure', (performance.now() - started) / 1000);
      throw error;
    }
  }
}
