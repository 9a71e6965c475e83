import type { OnApplicationShutdown } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { MISSING_KEY } from './infisical-config.messages.js';
import type { InfisicalConfigProblem, InfisicalConfigStatus } from './infisical-config.status.js';
import type { RefreshCoordinator, RefreshOutcome } from './refresh/refresh.coordinator.js';
import type { RefreshProblem, RefreshState } from './refresh/refresh-state.js';
import type { ContentFingerprinter } from './snapshot/content-fingerprint.js';
import type { SecretsSnapshot, SecretsSource } from './snapshot/secrets-snapshot.js';
import type { SecretsChange, SnapshotStore } from './snapshot/snapshot.store.js';
import type { InfisicalSource } from './source/infisical.source.js';
import type { PreviousValues } from './rotation/previous-values.js';
import type { FleetLink } from './fleet/fleet.link.js';

const toProblem = (problem: RefreshProblem | undefined): InfisicalConfigProblem | null =>
  problem ? { reason: problem.reason, ...(problem.status ? { status: problem.status } : {}), at: problem.at.toISOString() } : null;

/**
 * The loaded secrets, served from memory and synchronously: nothing here waits on the network.
 * Created once the first load has finished, so it is never seen empty.
 */
export class InfisicalConfigService implements OnApplicationShutdown {
  /**
   * Per applied refresh, which keys were added, changed and removed (names only). A subscriber that throws
   * (or returns a promise that rejects) is logged by class and cannot break the refresh or the process.
   */
  readonly changes$: Observable<SecretsChange>;
  private fingerprintOf: { snapshot: SecretsSnapshot; fingerprint: string | null } | undefined;

  constructor(
    private readonly store: SnapshotStore,
    private readonly coordinator: RefreshCoordinator,
    private readonly state: RefreshState,
    private readonly infisicalSource: InfisicalSource,
    private readonly fingerprinter: ContentFingerprinter,
    private readonly previousValues: PreviousValues,
    private readonly fleet?: FleetLink,
  ) {
    this.changes$ = store.changes$;
  }

  /** The value of `key`, or `undefined` (or `defaultValue`) when it is not set. */
  get(key: string): string | undefined;
  get(key: string, defaultValue: string): string;
  get(key: string, defaultValue?: string): string | undefined {
    return this.store.snapshot.get(key) ?? defaultValue;
  }

  /** The value of `key`; throws (naming the key, never a value) when it is not set. */
  getOrThrow(key: string): string {
    const value = this.get(key);
    if (value === undefined) throw new TypeError(MISSING_KEY(key));
    return value;
  }

  has(key: string): boolean {
    return this.store.snapshot.has(key);
  }

  /**
   * The value a rotation replaced, for a key named in `rotation.keepPrevious`, during its grace window
   * (`rotation.previousWindowMs`); otherwise undefined. A verifier accepts either this or `get(key)`.
   */
  previous(key: string): string | undefined {
    return this.previousValues.get(key);
  }

  /** A copy of every loaded value; changing it changes nothing here. */
  getAll(): Record<string, string> {
    return this.store.snapshot.toRecord();
  }

  /** Names of the loaded keys, sorted. */
  keys(): readonly string[] {
    return this.store.snapshot.keys;
  }

  /** Where the current values came from. */
  get source(): SecretsSource {
    return this.store.snapshot.source;
  }

  /** The current immutable snapshot (values, source, fetch time, latency). */
  get currentSnapshot(): SecretsSnapshot {
    return this.store.snapshot;
  }

  /**
   * Changes that touch any of `keys`, for a service that must react to a rotation (reconnect a database
   * when its password changes). Emits after `ConfigService` and `process.env` hold the new values.
   */
  watch(...keys: string[]): Observable<SecretsChange> {
    return this.store.watch(keys);
  }

  /**
   * Reloads every scope now. Joins the refresh in progress if there is one; never rejects: a failure
   * keeps the last good values and shows in the outcome and in status().
   */
  async refresh(): Promise<RefreshOutcome> {
    // A fleet follower asks the leader to fetch; the new values reach every replica through Redis.
    if (this.fleet?.role === 'follower') await this.fleet.requestRefresh();
    return this.coordinator.refresh();
  }

  status(now = Date.now()): InfisicalConfigStatus {
    const snapshot = this.store.snapshot;
    const tokenExpiresAt = this.infisicalSource.tokenExpiresAt;
    return {
      source: snapshot.source,
      fallback: snapshot.source !== 'infisical',
      fetchedAt: snapshot.fetchedAt.toISOString(),
      ageMs: Math.max(0, now - snapshot.fetchedAt.getTime()),
      lastLatencyMs: snapshot.latencyMs,
      secretCount: snapshot.size,
      fingerprint: this.fingerprint(snapshot),
      nextRefreshAt: this.state.nextRefreshAt?.toISOString() ?? null,
      refreshing: this.coordinator.refreshing,
      consecutiveFailures: this.state.consecutiveFailures,
      lastError: toProblem(this.state.lastError),
      lastRefusal: toProblem(this.state.lastRefusal),
      tokenExpiresAt: tokenExpiresAt === undefined ? null : new Date(tokenExpiresAt).toISOString(),
      fleet: this.fleet ? this.fleet.status(this.fingerprint(snapshot)) : null,
    };
  }

  /** Completes `changes$` (and every `watch()` stream), so subscribers are released with the app. */
  onApplicationShutdown(): void {
    this.store.close();
  }

  private fingerprint(snapshot: SecretsSnapshot): string | null {
    if (this.fingerprintOf?.snapshot !== snapshot) {
      this.fingerprintOf = { snapshot, fingerprint: this.fingerprinter.fingerprint(snapshot.values) };
    }
    return this.fingerprintOf.fingerprint;
  }
}
