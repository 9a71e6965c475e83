import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { errorClassName } from '../errors/sanitized-cause.util.js';
import { TIMER_FAILED, TOKEN_RENEWAL_FAILED } from '../infisical-config.messages.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SnapshotStore } from '../snapshot/snapshot.store.js';
import { describeFailure } from '../source/infisical-failure.util.js';
import type { InfisicalSource } from '../source/infisical.source.js';
import { MAX_TIMER_DELAY_MS, regularRefreshDelay, retryDelay } from './refresh-delay.util.js';
import type { RefreshOutcome, RefreshCoordinator } from './refresh.coordinator.js';
import type { RefreshState } from './refresh-state.js';

/** Names of the timers in `SchedulerRegistry`. */
export const REFRESH_TIMER = 'infisical-config:refresh';
export const TOKEN_RENEWAL_TIMER = 'infisical-config:token-renewal';

const logger = new Logger('InfisicalConfig');

/**
 * The two timers: refresh before the TTL runs out (backing off after failures) and renew the access token
 * before it expires. Started in onApplicationBootstrap, removed on shutdown. The next refresh is always
 * scheduled, whatever the last one did; every tick is wrapped so a failure is logged (its class, never its
 * text), never thrown into the event loop.
 */
export class RefreshScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private tokenFailures = 0;
  /** Bumped whenever the next refresh is planned, to see whether an outcome already planned it. */
  private plans = 0;
  private readonly stopListening: Array<() => void> = [];

  constructor(
    private readonly coordinator: RefreshCoordinator,
    private readonly source: InfisicalSource,
    private readonly state: RefreshState,
    private readonly store: SnapshotStore,
    private readonly registry: SchedulerRegistry,
    private readonly options: ResolvedInfisicalOptions,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.refresh.enabled) return;
    // Booted on a fallback: Infisical already failed once, so retry on the backoff, not after a full TTL.
    const onFallback = this.store.snapshot.source !== 'infisical';
    const { retryBaseMs, retryMaxMs } = this.options.refresh;
    this.scheduleRefresh(onFallback ? retryDelay(1, retryBaseMs, retryMaxMs, this.random) : this.regularDelay());
    // A login can happen anywhere (boot, a refresh, a renewal): each one plans the next renewal. Every
    // refresh, also one started by refresh(), plans the next one from its outcome.
    this.stopListening.push(this.source.onNewToken(() => this.scheduleTokenRenewal()));
    this.stopListening.push(this.coordinator.onOutcome((outcome) => this.scheduleRefresh(this.delayAfter(outcome))));
    this.scheduleTokenRenewal();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const stop of this.stopListening.splice(0)) stop();
    this.clear(REFRESH_TIMER);
    this.clear(TOKEN_RENEWAL_TIMER);
    this.state.nextRefreshAt = undefined;
  }

  private regularDelay(): number {
    const { ttlMs, refreshAt, jitter } = this.options.refresh;
    return regularRefreshDelay(ttlMs, refreshAt, jitter, this.random);
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.stopped) return;
    this.plans += 1;
    this.state.nextRefreshAt = new Date(this.now() + delayMs);
    this.arm(REFRESH_TIMER, delayMs, () => this.refreshTick());
  }

  private async refreshTick(): Promise<void> {
    const plansBefore = this.plans;
    let outcome: RefreshOutcome = { status: 'failed', reason: 'no outcome' };
    try {
      outcome = await this.coordinator.refresh();
    } finally {
      // Normally the outcome listener has planned the next refresh; whatever happened, one is planned.
      if (this.plans === plansBefore) this.scheduleRefresh(this.delayAfter(outcome));
    }
  }

  private delayAfter(outcome: RefreshOutcome): number {
    const { retryBaseMs, retryMaxMs } = this.options.refresh;
    // New values a probe refused are tried again soon: the switch happens as soon as they work.
    if (outcome.status === 'refused' && outcome.probe) return retryDelay(Math.max(1, this.state.consecutiveRefusals), retryBaseMs, retryMaxMs, this.random);
    if (outcome.status !== 'failed') return this.regularDelay();
    // A rate-limited client waits what the server asked for, never a burst of retries.
    const asked = this.state.lastError?.retryAfterMs ?? 0;
    return Math.max(asked, retryDelay(Math.max(1, this.state.consecutiveFailures), retryBaseMs, retryMaxMs, this.random));
  }

  private scheduleTokenRenewal(): void {
    const renewAt = this.source.tokenRenewAt;
    if (renewAt === undefined) return;
    this.arm(TOKEN_RENEWAL_TIMER, renewAt - this.now(), () => this.tokenTick());
  }

  private async tokenTick(): Promise<void> {
    const renewAt = this.source.tokenRenewAt;
    // A refresh may have logged in since this timer was set, or the wait was longer than a timer allows.
    if (renewAt !== undefined && renewAt > this.now() + 1_000) return this.scheduleTokenRenewal();
    try {
      await this.source.renewToken();
      this.tokenFailures = 0;
      this.scheduleTokenRenewal();
    } catch (error) {
      if (this.stopped) return;
      this.tokenFailures += 1;
      const { retryBaseMs, retryMaxMs } = this.options.refresh;
      const delay = retryDelay(this.tokenFailures, retryBaseMs, retryMaxMs, this.random);
      logger.warn(TOKEN_RENEWAL_FAILED(describeFailure(error).reason, delay));
      this.arm(TOKEN_RENEWAL_TIMER, delay, () => this.tokenTick());
    }
  }

  /** (Re)places a named timeout in the registry; its callback can never throw into the event loop. */
  private arm(name: string, delayMs: number, tick: () => Promise<void>): void {
    if (this.stopped) return;
    this.clear(name);
    const timer = setTimeout(() => {
      this.clear(name);
      tick().catch((error: unknown) => logger.error(TIMER_FAILED(name, errorClassName(error))));
    }, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS));
    this.registry.addTimeout(name, timer);
  }

  private clear(name: string): void {
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
  }
}
