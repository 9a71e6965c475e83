import { performance } from 'node:perf_hooks';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { InfisicalSource } from '../source/infisical.source.js';
import { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { mergeScopes } from './merge-secrets.util.js';

/** Loads every scope (one list call per scope, in parallel, after a login when needed) into a new snapshot. */
export class SecretsLoader {
  constructor(
    private readonly source: InfisicalSource,
    private readonly options: ResolvedInfisicalOptions,
  ) {}

  async load(): Promise<SecretsSnapshot> {
    const started = performance.now();
    const fetched = await Promise.all(
      this.options.scopes.map(async (scope) => ({ secretPath: scope.secretPath, secrets: await this.source.fetchScope(scope) })),
    );
    const latencyMs = Math.round(performance.now() - started);
    return new SecretsSnapshot(mergeScopes(fetched), 'infisical', new Date(), latencyMs);
  }
}
