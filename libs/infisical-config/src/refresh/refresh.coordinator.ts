import { performance } from 'node:perf_hooks';
import { InfisicalLoadError } from '../errors/infisical-load.error.js';
import type { SnapshotFileCache } from '../cache/snapshot-file.cache.js';
import { failureCause } from '../errors/failure-cause.util.js';
import { RECOVERED, REFRESH_FAILED, REFRESH_REFUSED, REFRESH_REFUSED_INVALID, REFRESH_TIMEOUT } from '../infisical-config.messages.js';
import type { SchemaGate } from '../validation/schema.gate.js';
import type { TypedInfisicalConfig } from '../validation/typed-config.js';
import type { LoadEventsLogger } from '../logging/load-events.logger.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import { withTimeout } from '../loader/with-timeout.util.js';
import type { SecretsLoader } from '../loader/secrets.loader.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { ConfigServicePublisher } from '../snapshot/config-service.publisher.js';
import { massDeletionRefusal } from '../snapshot/mass-deletion.guard.js';
import { diffSnapshots, isEmptyDiff, type SecretsDiff } from '../snapshot/snapshot-diff.js';
import type { SnapshotStore } from '../snapshot/snapshot.store.js';
import { toLoadError } from '../source/sdk-error.util.js';
import type { RefreshState } from './refresh-state.js';

/** What one refresh did. */
export type RefreshOutcome =
  | { readonly status: 'applied'; readonly diff: SecretsDiff }
  | { readonly status: 'unchanged' }
  | { readonly status: 'refused'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string };

/**
 * Runs refreshes: load, guard, swap, publish, announce. Single flight: the timer, a manual `refresh()` and
 * the webhook share the refresh in progress instead of starting another.
 */
export class RefreshCoordinator {
  private inFlight: Promise<RefreshOutcome> | undefined;

  constructor(
    private readonly loader: SecretsLoader,
    private readonly store: SnapshotStore,
    private readonly state: RefreshState,
    private readonly publisher: ConfigServicePublisher,
    private readonly fileCache: SnapshotFileCache,
    private readonly schema: { gate: SchemaGate; typed: TypedInfisicalConfig<object> },
    private readonly log: LoadEventsLogger,
    private readonly metrics: InfisicalMetrics,
    private readonly options: ResolvedInfisicalOptions,
  ) {}

  get refreshing(): boolean {
    return this.inFlight !== undefined;
  }

  /** Never rejects: a failure keeps the last good snapshot and is reported in the outcome and status(). */
  refresh(): Promise<RefreshOutcome> {
    this.inFlight ??= this.run()
      .then((outcome) => {
        this.metrics.countRefresh(outcome.status);
        return outcome;
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async run(): Promise<RefreshOutcome> {
    const started = performance.now();
    let next;
    try {
      // A late answer after the timeout is dropped: it can never overwrite what a later refresh applied.
      const { timeoutMs } = this.options.refresh;
      const timeoutError = () => new InfisicalLoadError(REFRESH_TIMEOUT(timeoutMs), 'list secrets', undefined, REFRESH_TIMEOUT(timeoutMs));
      next = await withTimeout(this.loader.load(), timeoutMs, timeoutError);
    } catch (error) {
      const loadError = error instanceof InfisicalLoadError ? error : toLoadError('list secrets', error, this.options);
      this.state.failed(loadError, new Date());
      this.metrics.countFailure(failureCause(loadError));
      this.log.warn(REFRESH_FAILED(loadError.reason, Math.round(performance.now() - started), this.state.consecutiveFailures));
      return { status: 'failed', reason: loadError.reason };
    }

    const previous = this.store.snapshot;
    const diff = diffSnapshots(previous, next);
    const { acceptMassDeletion, maxRemovedShare } = this.options.refresh;
    // The guard protects live values from a bad answer; a fallback's extra keys are expected to go.
    const recovering = previous.source !== 'infisical';
    const refusal = acceptMassDeletion || recovering ? undefined : massDeletionRefusal(diff, previous.size, maxRemovedShare);
    if (refusal) {
      this.state.refused(refusal, new Date());
      this.log.warn(REFRESH_REFUSED(refusal));
      return { status: 'refused', reason: refusal };
    }

    const checked = await this.schema.gate.check(next);
    if (!checked.ok) {
      const reason = `the values do not pass the schema: ${checked.error.problems.map((problem) => problem.key).join(', ')}`;
      this.state.refused(reason, new Date());
      this.log.warn(REFRESH_REFUSED_INVALID(checked.error.message));
      return { status: 'refused', reason };
    }

    // Swap, typed config, ConfigService and process.env in one synchronous step: no reader sees them disagree.
    const changed = !isEmptyDiff(diff);
    this.store.swap(next); // also when unchanged: the values are now fresh
    this.schema.typed.replace(checked.config);
    this.state.succeeded();
    if (changed) {
      this.publisher.publish(next, diff);
      this.store.announce({ ...diff, source: next.source, at: next.fetchedAt });
    }
    if (recovering) this.log.info(RECOVERED(previous.source === 'dotenv' ? '.env files' : 'file cache'));
    this.log.refreshed(next, changed ? diff : undefined);
    await this.fileCache.save(next);
    return changed ? { status: 'applied', diff } : { status: 'unchanged' };
  }
}
