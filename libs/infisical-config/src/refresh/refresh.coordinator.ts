import type { OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { SnapshotFileCache } from '../cache/snapshot-file.cache.js';
import { failureCause } from '../errors/failure-cause.util.js';
import { errorClassName } from '../errors/sanitized-cause.util.js';
import { PROCESS_ENV_WITHHELD, RECOVERED, REFRESH_CRASHED, REFRESH_REFUSED_PROBE, REFRESH_FAILED, REFRESH_REFUSED, REFRESH_REFUSED_INVALID, REFRESH_TIMEOUT, SHUTTING_DOWN } from '../infisical-config.messages.js';
import type { LoadEventsLogger } from '../logging/load-events.logger.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import { withTimeout } from '../loader/with-timeout.util.js';
import { LARGE_LOAD, yieldToEventLoop } from '../loader/yield.util.js';
import type { SnapshotLoader } from '../loader/secrets.loader.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { ConfigServiceWriter } from '../snapshot/config-service.writer.js';
import { massDeletionRefusal } from '../snapshot/mass-deletion.guard.js';
import type { ProcessEnvWriter } from '../snapshot/process-env.writer.js';
import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { diffSnapshots, isEmptyDiff, type SecretsDiff } from '../snapshot/snapshot-diff.js';
import type { SnapshotStore } from '../snapshot/snapshot.store.js';
import { deadlineError, toLoadError } from '../source/infisical-failure.util.js';
import type { PreviousValues } from '../rotation/previous-values.js';
import type { RotationProbes } from '../rotation/rotation-probes.js';
import type { SchemaGate } from '../validation/schema.gate.js';
import type { TypedInfisicalConfig } from '../validation/typed-config.js';
import type { RefreshState } from './refresh-state.js';

/** What one refresh did. */
export type RefreshOutcome =
  | { readonly status: 'applied'; readonly diff: SecretsDiff }
  | { readonly status: 'unchanged' }
  /** `probe`: the `@RotationProbe()` that refused the new values (the next attempt comes on the retry backoff). */
  | { readonly status: 'refused'; readonly reason: string; readonly probe?: string }
  | { readonly status: 'failed'; readonly reason: string };

/** Where a refresh was when something unexpected happened: named in the log instead of the error's text. */
type RefreshStage = 'load' | 'mass-deletion guard' | 'schema' | 'rotation probes' | 'swap' | 'process.env' | 'change events' | 'file cache' | 'log';

/** Logs and metrics report an outcome; when they throw (a broken logger or registry) the outcome stands. */
function bestEffort(report: () => void): void {
  try {
    report();
  } catch {
    // Nothing more to report to.
  }
}

/** What new values must pass before the swap. */
export interface RefreshChecks {
  readonly gate: SchemaGate;
  readonly probes: RotationProbes;
}

/** Where the values of a refresh go after the snapshot store: typed config, ConfigService, process.env. */
export interface RefreshSinks {
  readonly typed: TypedInfisicalConfig<object>;
  readonly config: ConfigServiceWriter;
  readonly env: ProcessEnvWriter;
  /** The values the refresh replaced, for the keys kept for a grace window. */
  readonly previous: PreviousValues;
}

/**
 * Runs refreshes: load, guard, validate, swap, publish, announce, persist. Single flight: the timer and a
 * manual `refresh()` share the refresh in progress (including its `process.env` writes) instead of starting
 * another. Whatever throws, a refresh ends as an outcome; after {@link close} nothing more is applied.
 */
export class RefreshCoordinator implements OnModuleDestroy {
  private inFlight: Promise<RefreshOutcome> | undefined;
  private readonly shutdown = new AbortController();
  private readonly outcomeListeners = new Set<(outcome: RefreshOutcome) => void>();

  constructor(
    private readonly loader: SnapshotLoader,
    private readonly store: SnapshotStore,
    private readonly state: RefreshState,
    private readonly sinks: RefreshSinks,
    private readonly fileCache: SnapshotFileCache,
    private readonly checks: RefreshChecks,
    private readonly log: LoadEventsLogger,
    private readonly metrics: InfisicalMetrics,
    private readonly options: ResolvedInfisicalOptions,
  ) {}

  get refreshing(): boolean {
    return this.inFlight !== undefined;
  }

  private get closed(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** Never rejects: a failure keeps the last good snapshot and is reported in the outcome and status(). */
  refresh(): Promise<RefreshOutcome> {
    if (this.closed) return Promise.resolve({ status: 'failed', reason: SHUTTING_DOWN });
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** Called with the outcome of every refresh, whoever started it (the scheduler plans the next one). */
  onOutcome(listener: (outcome: RefreshOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  /** Aborts the refresh in flight; it applies and writes nothing more. */
  close(): void {
    this.shutdown.abort();
    this.outcomeListeners.clear();
  }

  private async run(): Promise<RefreshOutcome> {
    const progress = { stage: 'load' as RefreshStage };
    let outcome: RefreshOutcome;
    try {
      outcome = await this.attempt(progress);
    } catch (error) {
      outcome = this.unexpected(progress.stage, error);
    }
    bestEffort(() => this.metrics.countRefresh(outcome.status));
    for (const listener of this.outcomeListeners) bestEffort(() => listener(outcome));
    return outcome;
  }

  private async attempt(progress: { stage: RefreshStage }): Promise<RefreshOutcome> {
    const started = performance.now();
    const next = await this.load(started);
    if (!('keys' in next)) return next;
    if (this.closed) return { status: 'failed', reason: SHUTTING_DOWN };

    progress.stage = 'mass-deletion guard';
    const previous = this.store.snapshot;
    const diff = diffSnapshots(previous, next);
    // A mass rotation is long to diff and to publish: the event loop turns between the steps.
    const large = diff.added.length + diff.changed.length + diff.removed.length > LARGE_LOAD;
    if (large) await yieldToEventLoop();
    // The guard protects live values from a bad answer; a fallback's extra keys are expected to go.
    const recovering = previous.source !== 'infisical';
    const { acceptMassDeletion, maxRemovedShare } = this.options.refresh;
    const refusal = acceptMassDeletion || recovering ? undefined : massDeletionRefusal(diff, previous.size, maxRemovedShare);
    if (refusal) return this.refuse(refusal, REFRESH_REFUSED(refusal));

    progress.stage = 'schema';
    const checked = await this.checks.gate.check(next);
    if (!checked.ok) {
      const keys = checked.error.problems.map((problem) => problem.key).join(', ');
      return this.refuse(`the values do not pass the schema: ${keys}`, REFRESH_REFUSED_INVALID(checked.error.message));
    }
    progress.stage = 'rotation probes';
    const probeRefusal = await this.checks.probes.check(next, diff);
    if (probeRefusal) {
      bestEffort(() => this.metrics.countProbeFailure(probeRefusal.probe));
      return { ...this.refuse(probeRefusal.reason, REFRESH_REFUSED_PROBE(probeRefusal.reason)), probe: probeRefusal.probe };
    }
    if (this.closed) return { status: 'failed', reason: SHUTTING_DOWN };

    // Snapshot, typed config and ConfigService switch in one synchronous step: no reader sees them disagree.
    progress.stage = 'swap';
    const changed = !isEmptyDiff(diff);
    this.store.swap(next); // also when unchanged: the values are now fresh
    this.sinks.typed.replace(checked.config);
    this.state.succeeded();
    if (changed) {
      this.sinks.config.apply(next, diff);
      this.sinks.previous.remember(previous, diff);
    }

    if (changed) {
      progress.stage = 'process.env';
      if (large) await yieldToEventLoop();
      const withheld = this.sinks.env.withheld(diff.added);
      if (withheld.length > 0) this.log.warn(PROCESS_ENV_WITHHELD(withheld));
      await this.sinks.env.apply(next, diff);
      if (this.closed) return { status: 'applied', diff };
      progress.stage = 'change events';
      this.store.announce({ ...diff, source: next.source, at: next.fetchedAt });
    }
    progress.stage = 'log';
    if (recovering) this.log.info(RECOVERED(previous.source === 'dotenv' ? '.env files' : 'file cache'));
    this.log.refreshed(next, changed ? diff : undefined);
    progress.stage = 'file cache';
    await this.fileCache.save(next, changed);
    return changed ? { status: 'applied', diff } : { status: 'unchanged' };
  }

  /** The new snapshot, or the `failed` outcome of a load that got no usable answer. */
  private async load(started: number): Promise<SecretsSnapshot | RefreshOutcome> {
    const { timeoutMs } = this.options.refresh;
    // The deadline aborts the requests themselves; shutdown does too.
    const deadline = new AbortController();
    const signal = AbortSignal.any([deadline.signal, this.shutdown.signal]);
    try {
      const timedOut = () => deadlineError('list secrets', REFRESH_TIMEOUT(timeoutMs), REFRESH_TIMEOUT(timeoutMs));
      return await withTimeout(this.loader.load(false, signal), timeoutMs, timedOut, deadline);
    } catch (error) {
      if (this.closed) return { status: 'failed', reason: SHUTTING_DOWN };
      const loadError = toLoadError('list secrets', error, this.options);
      this.state.failed(loadError, new Date());
      bestEffort(() => {
        this.metrics.countFailure(failureCause(loadError));
        this.log.warn(REFRESH_FAILED(loadError.reason, Math.round(performance.now() - started), this.state.consecutiveFailures));
      });
      return { status: 'failed', reason: loadError.reason };
    }
  }

  private refuse(reason: string, message: string): { status: 'refused'; reason: string } {
    this.state.refused(reason, new Date());
    bestEffort(() => this.log.warn(message));
    return { status: 'refused', reason };
  }

  /** A bug, a throwing logger or metrics registry: a failed outcome, its class and stage logged, never its text. */
  private unexpected(stage: RefreshStage, error: unknown): RefreshOutcome {
    const errorClass = errorClassName(error);
    const reason = `unexpected ${errorClass} in ${stage}`;
    this.state.failed({ reason }, new Date());
    bestEffort(() => this.log.error(REFRESH_CRASHED(stage, errorClass)));
    return { status: 'failed', reason };
  }
}
