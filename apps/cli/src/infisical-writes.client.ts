import { DEFAULTS } from '../../../libs/infisical-config/src/infisical-config.constants.js';
import type { ResolvedInfisicalOptions } from '../../../libs/infisical-config/src/options/resolved-options.interface.js';
import { InfisicalHttpClient, type InfisicalRequest } from '../../../libs/infisical-config/src/source/infisical-http.client.js';
import { InfisicalHttpError } from '../../../libs/infisical-config/src/source/infisical-http.error.js';
import { describeFailure } from '../../../libs/infisical-config/src/source/infisical-failure.util.js';
import type { InfisicalSource } from '../../../libs/infisical-config/src/source/infisical.source.js';
import { CliError, EXIT } from './exit-codes.js';

/** Where a secret is written: one folder of one environment. */
export interface WriteTarget {
  readonly environment: string;
  readonly secretPath: string;
}

/** Largest batch sent in one request. */
export const WRITE_BATCH_SIZE = 100;

/**
 * Creates, updates and deletes one secret (`/api/v3/secrets/raw/:name`), or many at once
 * (`/api/v3/secrets/batch/raw`), through the module's own HTTP client, with the token of the source's
 * login: one code path for reads and writes. Errors name the keys and the server's reason, never a value.
 */
export class InfisicalWritesClient {
  private readonly shutdown = new AbortController();
  private readonly http: InfisicalHttpClient;

  constructor(
    private readonly options: ResolvedInfisicalOptions,
    private readonly source: InfisicalSource,
  ) {
    this.http = new InfisicalHttpClient({ siteUrl: options.siteUrl, requestTimeoutMs: DEFAULTS.requestTimeoutMs, shutdown: this.shutdown.signal, extraCaCertificates: options.caCertificates });
  }

  async create(target: WriteTarget, key: string, value: string): Promise<void> {
    await this.send('POST', 'create', target, key, { secretValue: value, type: 'shared' });
  }

  async update(target: WriteTarget, key: string, value: string): Promise<void> {
    await this.send('PATCH', 'update', target, key, { secretValue: value, type: 'shared' });
  }

  /**
   * Creates every entry with `POST /api/v3/secrets/batch/raw`, at most WRITE_BATCH_SIZE per request, all on
   * one login. Each request is all or nothing (a key that exists fails it); `onWritten` hears each batch done.
   */
  async createMany(target: WriteTarget, entries: ReadonlyArray<readonly [string, string]>, onWritten?: (keys: string[]) => void): Promise<void> {
    await this.sendBatches('POST', 'create', target, entries, onWritten);
  }

  /** Updates every entry with `PATCH /api/v3/secrets/batch/raw`, in batches as createMany. */
  async updateMany(target: WriteTarget, entries: ReadonlyArray<readonly [string, string]>, onWritten?: (keys: string[]) => void): Promise<void> {
    await this.sendBatches('PATCH', 'update', target, entries, onWritten);
  }

  /** False when the secret was already gone (404): deleting is then already done. */
  delete(target: WriteTarget, key: string): Promise<boolean> {
    return this.send('DELETE', 'delete', target, key, { type: 'shared' });
  }

  close(): void {
    this.shutdown.abort();
  }

  private async sendBatches(
    method: 'POST' | 'PATCH',
    verb: string,
    target: WriteTarget,
    entries: ReadonlyArray<readonly [string, string]>,
    onWritten?: (keys: string[]) => void,
  ): Promise<void> {
    for (let start = 0; start < entries.length; start += WRITE_BATCH_SIZE) {
      const chunk = entries.slice(start, start + WRITE_BATCH_SIZE);
      const keys = chunk.map(([key]) => key);
      // One login for the whole run: the token is reused while it is usable.
      const token = await this.source.usableToken();
      const request: InfisicalRequest = {
        method,
        path: '/api/v3/secrets/batch/raw',
        expecting: 'an Infisical secrets reply',
        accessToken: token.value,
        body: {
          workspaceId: this.options.projectId,
          environment: target.environment,
          secretPath: target.secretPath,
          secrets: chunk.map(([secretKey, secretValue]) => ({ secretKey, secretValue, type: 'shared' })),
        },
      };
      try {
        await this.http.request(request);
      } catch (error) {
        const { status, reason } = describeFailure(error);
        const refused = error instanceof InfisicalHttpError || status !== undefined;
        const named = keys.length > 3 ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more` : keys.join(', ');
        throw new CliError(`cannot ${verb} ${named} in ${target.environment}:${target.secretPath}: ${reason}`, refused && status === 400 ? EXIT.findings : EXIT.infisical);
      }
      onWritten?.(keys);
    }
  }

  /** One write; true when done, false when a DELETE found nothing to delete. */
  private async send(method: 'POST' | 'PATCH' | 'DELETE', verb: string, target: WriteTarget, key: string, fields: object): Promise<boolean> {
    // One login for the whole run: the token is reused while it is usable.
    const token = await this.source.usableToken();
    const location = { workspaceId: this.options.projectId, environment: target.environment, secretPath: target.secretPath };
    const request: InfisicalRequest = {
      method,
      path: `/api/v3/secrets/raw/${encodeURIComponent(key)}`,
      expecting: 'an Infisical secret reply',
      accessToken: token.value,
      body: { ...location, ...fields },
    };
    try {
      await this.http.request(request);
      return true;
    } catch (error) {
      const { status, reason } = describeFailure(error);
      if (method === 'DELETE' && status === 404) return false;
      const refused = error instanceof InfisicalHttpError || status !== undefined;
      throw new CliError(`cannot ${verb} ${key} in ${target.environment}:${target.secretPath}: ${reason}`, refused && status === 400 ? EXIT.findings : EXIT.infisical);
    }
  }
}
