import type { InfisicalSDK } from '@infisical/sdk';
import type { InfisicalScope } from '../infisical-config.options.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { createInfisicalSdk, type InfisicalSdkFactory } from './infisical-sdk.factory.js';
import { toLoadError } from './sdk-error.util.js';
import { InfisicalLoadError } from '../errors/infisical-load.error.js';
import { LOAD_FAILED } from '../infisical-config.messages.js';

/** One secret as fetched, with where it came from (for the merge order). */
export interface FetchedSecret {
  readonly key: string;
  readonly value: string;
  /** Folder the secret lives in. */
  readonly secretPath: string;
  /** True when it came through a secret import rather than the folder itself. */
  readonly imported: boolean;
}

interface RawSecret {
  secretKey?: unknown;
  secretValue?: unknown;
  secretPath?: unknown;
}

/**
 * The only user of `@infisical/sdk`: logs in with Universal Auth and lists the secrets of a scope.
 * Errors come out as {@link InfisicalLoadError} with a remedy and without query strings or values.
 */
export class InfisicalSource {
  private client: InfisicalSDK | undefined;

  constructor(
    private readonly options: ResolvedInfisicalOptions,
    private readonly createSdk: InfisicalSdkFactory = createInfisicalSdk,
  ) {}

  get isLoggedIn(): boolean {
    return this.client !== undefined;
  }

  async login(): Promise<void> {
    const { clientId, clientSecret } = this.options.auth;
    try {
      this.client = await this.createSdk(this.options.siteUrl).auth().universalAuth.login({ clientId, clientSecret });
    } catch (error) {
      throw toLoadError('login', error, this.options);
    }
  }

  async fetchScope(scope: Readonly<Required<InfisicalScope>>): Promise<FetchedSecret[]> {
    if (!this.client) await this.login();
    let reply: unknown;
    try {
      reply = await this.client!.secrets().listSecrets({
        projectId: this.options.projectId,
        environment: scope.environment,
        secretPath: scope.secretPath,
        recursive: scope.recursive,
        includeImports: scope.includeImports,
        expandSecretReferences: this.options.expandSecretReferences,
      });
    } catch (error) {
      throw toLoadError('list secrets', error, this.options);
    }
    return this.parseReply(reply, scope.secretPath);
  }

  /** Checks the reply's shape: a proxy or a non-Infisical server must not pass for an empty project. */
  private parseReply(reply: unknown, scopePath: string): FetchedSecret[] {
    const body = reply as { secrets?: unknown; imports?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !Array.isArray(body.secrets)) {
      const reason = 'the reply is not an Infisical secrets list';
      const remedy = 'Check that the site URL points at Infisical itself (no /api suffix, no proxy login page).';
      throw new InfisicalLoadError(LOAD_FAILED(this.options.siteUrl, this.options.projectId, 'list secrets', reason, remedy), 'list secrets', undefined);
    }
    const own = body.secrets.map((secret: RawSecret) => toFetched(secret, scopePath, false));
    const imports = Array.isArray(body.imports) ? (body.imports as { secretPath?: unknown; secrets?: unknown }[]) : [];
    const imported = imports.flatMap((entry) =>
      Array.isArray(entry.secrets) ? entry.secrets.map((secret: RawSecret) => toFetched(secret, String(entry.secretPath ?? '/'), true)) : [],
    );
    return [...own, ...imported].filter((secret): secret is FetchedSecret => secret !== undefined);
  }
}

function toFetched(secret: RawSecret, fallbackPath: string, imported: boolean): FetchedSecret | undefined {
  if (typeof secret?.secretKey !== 'string' || typeof secret.secretValue !== 'string') return undefined;
  const secretPath = typeof secret.secretPath === 'string' ? secret.secretPath : fallbackPath;
  return { key: secret.secretKey, value: secret.secretValue, secretPath, imported };
}
