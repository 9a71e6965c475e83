import type { SnapshotFileCache } from '../cache/snapshot-file.cache.js';
import { failureCause } from '../errors/failure-cause.util.js';
import type { InfisicalConfigValidationError } from '../errors/infisical-config-validation.error.js';
import { InfisicalLoadError } from '../errors/infisical-load.error.js';
import { AUTH_VARIABLES, BOOTSTRAP_VARIABLES, CACHE_KEY_VARIABLE } from '../infisical-config.constants.js';
import {
  BOOT_REFUSED_INVALID,
  DOTENV_ONLY_BOOTSTRAP,
  FALLBACK_FAILS_SCHEMA,
  FALLBACK_SKIPPED,
  FALLBACK_USED,
  NOTHING_TO_SERVE,
  STARTUP_TIMEOUT,
} from '../infisical-config.messages.js';
import { readDotenvFiles } from '../fallback/dotenv-files.reader.js';
import type { LoadEventsLogger } from '../logging/load-events.logger.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { RefreshState } from '../refresh/refresh-state.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { deadlineError, toLoadError } from '../source/infisical-failure.util.js';
import type { SchemaGate } from '../validation/schema.gate.js';
import type { SecretsLoader } from './secrets.loader.js';
import type { FleetLink } from '../fleet/fleet.link.js';
import { withTimeout } from './with-timeout.util.js';

/** The first snapshot, and its typed (validated) form. */
export interface FirstLoad {
  readonly snapshot: SecretsSnapshot;
  readonly config: Readonly<object>;
}

/** The module's own variables: they configure the module, they are not the app's configuration. */
const MODULE_VARIABLES = new Set<string>([...Object.values(BOOTSTRAP_VARIABLES), ...Object.values(AUTH_VARIABLES), CACHE_KEY_VARIABLE]);

// How long a boot waits for Redis before going to Infisical itself.
const FLEET_BOOT_WAIT_MS = 2_000;

const describeAge = (fetchedAt: Date, now: number) => ` written ${Math.round((now - fetchedAt.getTime()) / 60_000)} min ago`;

/**
 * The first load, within a bounded time: Infisical within the startup deadline, else the encrypted file
 * cache, else `.env` files (where allowed), else a boot failure that names every attempt and why it failed.
 * Every candidate must pass the schema; only values that passed are written to the file cache. When
 * Infisical answers with values that fail the schema, only the last good cache may stand in for them.
 * A fallback leaves the Infisical failure visible in `status()` (lastError, consecutiveFailures).
 */
export class BootLoader {
  constructor(
    private readonly loader: SecretsLoader,
    private readonly fileCache: SnapshotFileCache,
    private readonly gate: SchemaGate,
    private readonly state: RefreshState,
    private readonly log: LoadEventsLogger,
    private readonly metrics: InfisicalMetrics,
    private readonly options: ResolvedInfisicalOptions,
    private readonly fleet?: FleetLink,
    private readonly production = process.env.NODE_ENV === 'production',
  ) {}

  async load(): Promise<FirstLoad> {
    const fromFleet = await this.fromFleet();
    if (fromFleet) return fromFleet;
    let failure: InfisicalLoadError | InfisicalConfigValidationError;
    try {
      const snapshot = await this.fromInfisical();
      const checked = await this.gate.check(snapshot);
      if (checked.ok) {
        await this.fileCache.save(snapshot);
        return { snapshot, config: checked.config };
      }
      failure = checked.error;
      this.state.refused(`the values do not pass the schema: ${checked.error.problems.map((problem) => problem.key).join(', ')}`, new Date());
      this.log.warn(BOOT_REFUSED_INVALID(checked.error.message));
    } catch (error) {
      const loadError = toLoadError('list secrets', error, this.options);
      failure = loadError;
      this.state.failed(loadError, new Date());
      this.metrics.countFailure(failureCause(loadError));
    }
    return this.fromFallbacks(failure);
  }

  private async fromFallbacks(failure: InfisicalLoadError | InfisicalConfigValidationError): Promise<FirstLoad> {
    const unreachable = failure instanceof InfisicalLoadError;
    const why = unreachable ? failure.reason : 'its values do not pass the schema';
    const remedy = unreachable ? failure.remedy : undefined;
    const attempts = [unreachable ? `Infisical: ${failure.message.replace(/^InfisicalConfigModule: /, '')}` : 'Infisical: answered with values that do not pass the schema (above)'];

    const cached = await this.fileCache.load();
    const fromCache = 'snapshot' in cached ? await this.accept(cached.snapshot) : cached.reason;
    if (typeof fromCache !== 'string') {
      this.metrics.countFallback('file-cache');
      this.log.warn(FALLBACK_USED('file cache', fromCache.snapshot.size, why, describeAge(fromCache.snapshot.fetchedAt, Date.now()), remedy));
      return fromCache;
    }
    attempts.push(`file cache: ${fromCache}`);
    if (this.fileCache.enabled) this.log.warn(FALLBACK_SKIPPED('file cache', fromCache));

    // `.env` files stand in for an unreachable Infisical, not for one that answered with bad values.
    const fromDotenv = unreachable ? await this.fromDotenv() : 'not used when Infisical answered';
    if (typeof fromDotenv !== 'string') {
      this.metrics.countFallback('dotenv');
      this.log.warn(FALLBACK_USED(`.env files (${this.options.dotenvFallback.paths.join(', ')})`, fromDotenv.snapshot.size, why, '', remedy));
      return fromDotenv;
    }
    attempts.push(`.env files: ${fromDotenv}`);
    // The failure keeps its class (InfisicalAuthError, InfisicalConfigValidationError...) and fields; its
    // message now tells the whole story of the boot.
    failure.message = NOTHING_TO_SERVE(attempts, this.production, unreachable ? undefined : failure.message);
    throw failure;
  }

  /** A fresh snapshot the fleet's leader stored (no Infisical call at boot), when it passes the schema. */
  private async fromFleet(): Promise<FirstLoad | undefined> {
    if (!this.fleet) return undefined;
    const snapshot = await this.fleet.freshSnapshot(Math.min(FLEET_BOOT_WAIT_MS, this.options.startupTimeoutMs));
    if (!snapshot) return undefined;
    const accepted = await this.accept(snapshot);
    if (typeof accepted === 'string') return undefined;
    await this.fileCache.save(snapshot);
    return accepted;
  }

  /** The candidate with its typed config, or why it cannot serve. */
  private async accept(snapshot: SecretsSnapshot): Promise<FirstLoad | string> {
    const checked = await this.gate.check(snapshot);
    if (checked.ok) return { snapshot, config: checked.config };
    return FALLBACK_FAILS_SCHEMA(checked.error.problems.map((problem) => problem.key));
  }

  private fromInfisical(): Promise<SecretsSnapshot> {
    const { startupTimeoutMs, siteUrl } = this.options;
    // At the deadline the requests themselves are cancelled.
    const deadline = new AbortController();
    const timedOut = () => deadlineError('startup', STARTUP_TIMEOUT(startupTimeoutMs, siteUrl), `no answer within ${startupTimeoutMs} ms`);
    return withTimeout(this.loader.load(true, deadline.signal), startupTimeoutMs, timedOut, deadline);
  }

  /** The app's configuration from the `.env` files (without the module's own variables), or why there is none. */
  private async fromDotenv(): Promise<FirstLoad | string> {
    const { enabled, paths } = this.options.dotenvFallback;
    if (!enabled) {
      return this.production ? 'off in production (set dotenvFallback.enabled to allow it)' : 'off (dotenvFallback.enabled is false)';
    }
    const started = performance.now();
    const read = await readDotenvFiles(paths);
    if (read.filesRead.length === 0) return `none of ${paths.join(', ')} exists`;
    const values = Object.fromEntries(Object.entries(read.values).filter(([key]) => !MODULE_VARIABLES.has(key)));
    if (Object.keys(values).length === 0) return DOTENV_ONLY_BOOTSTRAP(read.filesRead);
    return this.accept(new SecretsSnapshot(values, 'dotenv', new Date(), Math.round(performance.now() - started)));
  }
}
