import { HealthIndicatorService } from '@nestjs/terminus';
import type { InfisicalConfigService } from '../infisical-config.service.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { InfisicalHealthIndicator } from './infisical.health.js';

/** A service stand-in whose only state is one snapshot fetched `ageMs` ago. */
function serviceWith(ageMs: number): InfisicalConfigService {
  const snapshot = new SecretsSnapshot({ A: 'a' }, 'infisical', new Date(Date.now() - ageMs), 5);
  return {
    currentSnapshot: snapshot,
    status: () => ({
      source: 'infisical',
      fallback: false,
      fetchedAt: snapshot.fetchedAt.toISOString(),
      ageMs,
      lastLatencyMs: 5,
      secretCount: 1,
      fingerprint: 'f',
      nextRefreshAt: null,
      refreshing: false,
      consecutiveFailures: 3,
      lastError: null,
      lastRefusal: null,
      tokenExpiresAt: null,
    }),
  } as unknown as InfisicalConfigService;
}

const options = { refresh: { ttlMs: 60_000, enabled: true } } as ResolvedInfisicalOptions;
const check = (ageMs: number, settings = options) => new InfisicalHealthIndicator(new HealthIndicatorService(), serviceWith(ageMs), settings).isHealthy('infisical');

describe('InfisicalHealthIndicator default staleness: the TTL plus 5 minutes', () => {
  it('is up just inside the limit', () => {
    expect(check(60_000 + 300_000 - 5_000).infisical.status).toBe('up');
  });

  it('is down past it, saying for how long', () => {
    const result = check(60_000 + 300_000 + 5_000).infisical as { status: string; down?: string };
    expect(result.status).toBe('down');
    expect(result.down).toBe('values not refreshed from Infisical for 365 s (limit 360 s)');
  });
});

describe('InfisicalHealthIndicator with refresh.enabled false', () => {
  it('stays up however old the values are: they stay as loaded on purpose', () => {
    const noRefresh = { refresh: { ttlMs: 60_000, enabled: false } } as ResolvedInfisicalOptions;
    expect(check(24 * 60 * 60_000, noRefresh).infisical.status).toBe('up');
  });

  it('still applies an explicit maxStalenessMs', () => {
    const noRefresh = { refresh: { ttlMs: 60_000, enabled: false } } as ResolvedInfisicalOptions;
    const indicator = new InfisicalHealthIndicator(new HealthIndicatorService(), serviceWith(120_000), noRefresh);
    expect(indicator.isHealthy('infisical', { maxStalenessMs: 60_000 }).infisical.status).toBe('down');
  });
});
