import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { INFISICAL_CONFIG_OPTIONS } from '../infisical-config.constants.js';
import { InfisicalConfigService } from '../infisical-config.service.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { FleetStatus } from '../fleet/fleet.link.js';
import { HEALTH_DEFAULTS, type InfisicalHealthRules } from './infisical-health.rules.js';

/** What the indicator reports under its key: state only, never a value. */
export type InfisicalHealthDetails = {
  source: string | null;
  fallback: boolean;
  latencyMs: number | null;
  lastSuccessAt: string | null;
  ageMs: number | null;
  consecutiveFailures: number;
  secretCount: number;
  tokenExpiresInMs: number | null;
  lastError: { reason: string; status?: number; at: string } | null;
  /** The last load or refresh that was fetched but not applied (schema, mass deletion). */
  lastRefusal: { reason: string; at: string } | null;
  warnings: string[];
  /** Fleet mode only: role, Redis's state, the fleet version applied and whether this replica matches it. */
  fleet?: FleetStatus;
  /** Why the indicator is down; absent when up. */
  down?: string;
};

/**
 * Terminus indicator for the loaded secrets (`@nestjs/terminus` 12 `HealthIndicatorService`: it returns
 * `down(...)`, it never throws). Add it to the providers of the module that holds your health controller
 * and use it for readiness, not liveness.
 */
@Injectable()
export class InfisicalHealthIndicator {
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    @Optional() private readonly infisicalConfig?: InfisicalConfigService,
    @Optional() @Inject(INFISICAL_CONFIG_OPTIONS) private readonly options?: ResolvedInfisicalOptions,
  ) {}

  /** @param key the key of the indicator in the health result, e.g. `infisical` */
  isHealthy(key: string, rules: InfisicalHealthRules = {}) {
    const indicator = this.healthIndicatorService.check(key);
    const details = this.details(rules, Date.now());
    return details.down === undefined ? indicator.up(details) : indicator.down(details);
  }

  private details(rules: InfisicalHealthRules, now: number): InfisicalHealthDetails {
    if (!this.infisicalConfig) return { ...EMPTY, down: 'no snapshot loaded' };
    const status = this.infisicalConfig.status(now);
    const snapshot = this.infisicalConfig.currentSnapshot;
    const slowFetchMs = rules.slowFetchMs ?? HEALTH_DEFAULTS.slowFetchMs;
    // Without scheduled refreshes the values stay as loaded on purpose: they do not go stale by default.
    const refreshes = this.options?.refresh.enabled ?? true;
    const maxStalenessMs = rules.maxStalenessMs ?? (refreshes ? (this.options?.refresh.ttlMs ?? 0) + HEALTH_DEFAULTS.stalenessPastTtlMs : Infinity);
    const staleForMs = now - (status.fallback ? snapshot.loadedAt : snapshot.fetchedAt).getTime();
    const tokenExpiresAt = status.tokenExpiresAt === null ? null : Date.parse(status.tokenExpiresAt);

    const details: InfisicalHealthDetails = {
      source: status.source,
      fallback: status.fallback,
      latencyMs: status.lastLatencyMs,
      lastSuccessAt: status.source === 'dotenv' ? null : status.fetchedAt,
      ageMs: status.ageMs,
      consecutiveFailures: status.consecutiveFailures,
      secretCount: status.secretCount,
      tokenExpiresInMs: tokenExpiresAt === null ? null : Math.max(0, tokenExpiresAt - now),
      lastError: status.lastError,
      lastRefusal: status.lastRefusal,
      warnings: status.lastLatencyMs > slowFetchMs ? [`slow fetch: ${status.lastLatencyMs} ms (over ${slowFetchMs} ms)`] : [],
      ...(status.fleet ? { fleet: status.fleet } : {}),
    };
    if (staleForMs > maxStalenessMs) return { ...details, down: `values not refreshed from Infisical for ${duration(staleForMs)} (limit ${duration(maxStalenessMs)})` };
    if (status.fallback && (rules.fallbackIsDown ?? HEALTH_DEFAULTS.fallbackIsDown)) return { ...details, down: `serving the ${status.source} fallback` };
    return details;
  }
}

/** Seconds for long spans, milliseconds for short ones, so a small limit never reads as "0 s". */
const duration = (ms: number) => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`);

const EMPTY: InfisicalHealthDetails = {
  source: null,
  fallback: false,
  latencyMs: null,
  lastSuccessAt: null,
  ageMs: null,
  consecutiveFailures: 0,
  secretCount: 0,
  tokenExpiresInMs: null,
  lastError: null,
  lastRefusal: null,
  warnings: [],
};
