import type { SnapshotFileCache } from '../cache/snapshot-file.cache.js';
import { failureCause } from '../errors/failure-cause.util.js';
import { InfisicalLoadError } from '../errors/infisical-load.error.js';
import { FALLBACK_SKIPPED, FALLBACK_USED, NOTHING_TO_SERVE, STARTUP_TIMEOUT } from '../infisical-config.messages.js';
import { readDotenvFiles } from '../fallback/dotenv-files.reader.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { toLoadError } from '../source/sdk-error.util.js';
import type { LoadEventsLogger } from '../logging/load-events.logger.js';
import type { InfisicalMetrics } from '../metrics/infisical-metrics.js';
import type { SecretsLoader } from './secrets.loader.js';
import { withTimeout } from './with-timeout.util.js';

const describeAge = (fetchedAt: Date, now: number) => ` written ${Math.round((now - fetchedAt.getTime()) / 60_000)} min ago`;

/**
 * The first load, within a bounded time: Infisical within the startup deadline, else the encrypted file
 * cache, else `.env` files (where allowed), else a boot failure that names every attempt and why it failed.
 */
export class BootLoader {
  constructor(
    private readonly loader: SecretsLoader,
    private readonly fileCache: SnapshotFileCache,
    private readonly log: LoadEventsLogger,
    private readonly metrics: InfisicalMetrics,
    private readonly options: ResolvedInfisicalOptions,
    private readonly production = process.env.NODE_ENV === 'production',
  ) {}

  async load(): Promise<SecretsSnapshot> {
    let infisicalFailure: InfisicalLoadError;
    try {
      const snapshot = await this.fromInfisical();
      await this.fileCache.save(snapshot);
      return snapshot;
    } catch (error) {
      infisicalFailure = error instanceof InfisicalLoadError ? error : toLoadError('list secrets', error, this.options);
      this.metrics.countFailure(failureCause(infisicalFailure));
    }

    const attempts = [`Infisical: ${infisicalFailure.message.replace(/^InfisicalConfigModule: /, '')}`];
    const cached = await this.fileCache.load();
    if ('snapshot' in cached) {
      this.metrics.countFallback('file-cache');
      this.log.warn(FALLBACK_USED('file cache', cached.snapshot.size, infisicalFailure.reason, describeAge(cached.snapshot.fetchedAt, Date.now())));
      return cached.snapshot;
    }
    attempts.push(`file cache: ${cached.reason}`);
    if (this.fileCache.enabled) this.log.warn(FALLBACK_SKIPPED('file cache', cached.reason));

    const dotenv = await this.fromDotenv();
    if (dotenv instanceof SecretsSnapshot) {
      this.metrics.countFallback('dotenv');
      this.log.warn(FALLBACK_USED(`.env files (${this.options.dotenvFallback.paths.join(', ')})`, dotenv.size, infisicalFailure.reason, ''));
      return dotenv;
    }
    attempts.push(`.env files: ${dotenv}`);
    // The Infisical failure keeps its class (InfisicalAuthError, InfisicalConnectionError...) and fields;
    // its message now tells the whole story of the boot.
    infisicalFailure.message = NOTHING_TO_SERVE(attempts, this.production);
    throw infisicalFailure;
  }

  private fromInfisical(): Promise<SecretsSnapshot> {
    const { startupTimeoutMs, siteUrl } = this.options;
    // A late answer after the deadline is dropped: nothing keeps a reference to it.
    return withTimeout(
      this.loader.load(true),
      startupTimeoutMs,
      () => new InfisicalLoadError(STARTUP_TIMEOUT(startupTimeoutMs, siteUrl), 'startup', undefined, `no answer within ${startupTimeoutMs} ms`),
    );
  }

  /** A snapshot from the `.env` files, or why there is none. */
  private async fromDotenv(): Promise<SecretsSnapshot | string> {
    const { enabled, paths } = this.options.dotenvFallback;
    if (!enabled) {
      return this.production ? 'off in production (set dotenvFallback.enabled to allow it)' : 'off (dotenvFallback.enabled is false)';
    }
    const started = performance.now();
    const read = await readDotenvFiles(paths);
    if (read.filesRead.length === 0) return `none of ${paths.join(', ')} exists`;
    return new SecretsSnapshot(read.values, 'dotenv', new Date(), Math.round(performance.now() - started));
  }
}
