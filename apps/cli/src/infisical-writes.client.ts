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

/**
 * Creates, updates and deletes one secret (`/api/v3/secrets/raw/:name`) through the module's own HTTP
 * client, with the token of the source's login: one code path for reads and writes. Errors name the key
 * and the server's reason, never a value.
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

  create(target: WriteTarget, key: string, value: string): Promise<void> {
    return this.send('POST', 'create', target, key, { secretValue: value, type: 'shared' });
  }

  update(target: WriteTarget, key: string, value: string): Promise<void> {
    return this.send('PATCH', 'update', target, key, { secretValue: value, type: 'shared' });
  }

  /** Resolves false when the secret was not there (a 404): deleting is then already done. */
  async delete(target: WriteTarget, key: string): Promise<boolean> {
    try {
      await this.send('DELETE', 'delete', target, key, { type: 'shared' });
      return true;
    } catch (error) {
      if (error instanceof CliError && /HTTP 404/.test(error.message)) return false;
      throw error;
    }
  }

  close(): void {
    this.shutdown.abort();
  }

  private async send(method: 'POST' | 'PATCH' | 'DELETE', verb: string, target: WriteTarget, key: string, fields: object): Promise<void> {
    const token = await this.source.login();
    // The client's type lists the methods the module itself sends (GET, POST); Node's request takes any.
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
    } catch (error) {
      const { status, reason } = describeFailure(error);
      const refused = error instanceof InfisicalHttpError || status !== undefined;
      throw new CliError(`cannot ${verb} ${key} in ${target.environment}:${target.secretPath}: ${reason}`, refused && status === 400 ? EXIT.findings : EXIT.infisical);
    }
  }
}
