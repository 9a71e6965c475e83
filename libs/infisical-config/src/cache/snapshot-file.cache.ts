import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { InfisicalCacheError } from '../errors/infisical-cache.error.js';
import { CACHE_WRITE_FAILED } from '../infisical-config.messages.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { NO_METRICS, type InfisicalMetrics } from '../metrics/infisical-metrics.js';
import { EncryptedFileCache } from './encrypted-file.cache.js';

const logger = new Logger('InfisicalConfig');

// Unchanged values are written again only when the file gets this old (at most a quarter of the max age),
// so the cache stays usable and its age stays meaningful without rewriting megabytes on every refresh.
const REWRITE_UNCHANGED_AFTER_MS = 60 * 60_000;

/** Result of reading the cache as a fallback: a snapshot, or why there is none. */
export type CachedSnapshot = { snapshot: SecretsSnapshot } | { reason: string };

/**
 * The file cache as the loader sees it: save every good Infisical snapshot, read one back at boot.
 * Off (no key) it saves nothing and reads nothing. Saving never fails a load.
 */
export class SnapshotFileCache implements OnModuleDestroy {
  private readonly cache: EncryptedFileCache | undefined;
  private failing = false;
  private closed = false;
  private lastWriteAt: number | undefined;
  private readonly rewriteUnchangedAfterMs: number;

  constructor(
    options: ResolvedInfisicalOptions,
    private readonly metrics: InfisicalMetrics = NO_METRICS,
    private readonly now: () => number = Date.now,
  ) {
    const settings = options.fileCache;
    this.rewriteUnchangedAfterMs = Math.min(REWRITE_UNCHANGED_AFTER_MS, (settings?.maxAgeMs ?? Infinity) / 4);
    this.cache = settings
      ? new EncryptedFileCache({
          filePath: settings.path,
          key: settings.key,
          maxAgeMs: settings.maxAgeMs,
          binding: { siteUrl: options.siteUrl, projectId: options.projectId, scopes: options.scopes },
          now,
        })
      : undefined;
  }

  get enabled(): boolean {
    return this.cache !== undefined;
  }

  onModuleDestroy(): void {
    this.close();
  }

  /**
   * Writes a validated Infisical snapshot. `changed` false (a refresh that changed nothing) writes only
   * when the file has grown old. After {@link close}, nothing is written.
   */
  async save(snapshot: SecretsSnapshot, changed = true): Promise<void> {
    if (!this.cache || snapshot.source !== 'infisical' || this.closed) return;
    if (!changed && this.lastWriteAt !== undefined && this.now() - this.lastWriteAt < this.rewriteUnchangedAfterMs) return;
    try {
      await this.cache.write(snapshot.values);
      this.lastWriteAt = this.now();
      this.metrics.countCacheWrite('success');
      this.failing = false;
    } catch (error) {
      this.metrics.countCacheWrite('failure');
      // One warning per failure streak: a broken disk must not flood the log on every refresh.
      if (!this.failing) logger.warn(CACHE_WRITE_FAILED(error instanceof InfisicalCacheError ? error.message : String(error)));
      this.failing = true;
    }
  }

  close(): void {
    this.closed = true;
  }

  async load(): Promise<CachedSnapshot> {
    if (!this.cache) return { reason: 'no file cache configured (set fileCache.key, e.g. from INFISICAL_CACHE_KEY)' };
    const started = performance.now();
    const read = await this.cache.read();
    this.metrics.countCacheRead(read.ok ? 'hit' : read.problem === 'missing' ? 'miss' : 'refused');
    if (!read.ok) return { reason: read.reason };
    return { snapshot: new SecretsSnapshot(read.values, 'file-cache', read.writtenAt, Math.round(performance.now() - started)) };
  }
}
