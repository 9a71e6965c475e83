import type { InfisicalSDK } from '@infisical/sdk';
import type { InfisicalScope } from '../infisical-config.options.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { DEFAULTS } from '../infisical-config.constants.js';
import { AccessToken } from './access-token.js';
import { createInfisicalSdk, type InfisicalSdkFactory } from './infisical-sdk.factory.js';
import { LoginThrottle } from './login-throttle.js';
import { describeSdkFailure, notInfisicalReplyError, toLoadError } from './sdk-error.util.js';
import { UniversalAuthClient } from './universal-auth.client.js';

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

/** Infisical answers an expired token with 403 "token has expired" and a revoked one with 401. */
function isRejectedToken(error: unknown): boolean {
  const { status, reason } = describeSdkFailure(error);
  return status === 401 || (status === 403 && /expired/i.test(reason));
}

/**
 * Everything that talks to Infisical: Universal Auth (login, renewal before expiry, login again when
 * renewal cannot work) and listing the secrets of a scope through `@infisical/sdk`. Errors come out as
 * {@link InfisicalLoadError} with a remedy and without query strings or values.
 */
export class InfisicalSource {
  private readonly sdk: InfisicalSDK;
  private readonly auth: UniversalAuthClient;
  private readonly throttle = new LoginThrottle();
  private token: AccessToken | undefined;
  private loggingIn: Promise<void> | undefined;

  constructor(
    private readonly options: ResolvedInfisicalOptions,
    createSdk: InfisicalSdkFactory = createInfisicalSdk,
    private readonly now: () => number = Date.now,
  ) {
    this.sdk = createSdk(options.siteUrl);
    // No auth request outlives the deadline of the load it serves; a stuck login would block later ones.
    const authTimeoutMs = Math.min(DEFAULTS.requestTimeoutMs, options.startupTimeoutMs, options.refresh.timeoutMs);
    this.auth = new UniversalAuthClient(options.siteUrl, authTimeoutMs);
  }

  /** When the current token should be renewed, if there is one. */
  get tokenRenewAt(): number | undefined {
    return this.token?.renewAt;
  }

  /** When the current token expires, if there is one. */
  get tokenExpiresAt(): number | undefined {
    return this.token?.expiresAt;
  }

  /**
   * Logs in, unless failed logins must still be spaced out: then fails with the last login error.
   * Concurrent callers (one per scope) share one login.
   */
  login(): Promise<void> {
    this.loggingIn ??= this.attemptLogin().finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async attemptLogin(): Promise<void> {
    const blocked = this.throttle.blockedError(this.now());
    if (blocked) throw blocked;
    const { clientId, clientSecret } = this.options.auth;
    try {
      this.useToken(AccessToken.fromLogin(await this.auth.login(clientId, clientSecret), this.now()));
      this.throttle.succeeded();
    } catch (error) {
      const loadError = toLoadError('login', error, this.options);
      if (loadError.status !== undefined) this.throttle.failed(loadError, this.now(), loadError.retryAfterMs);
      throw loadError;
    }
  }

  /** Renews the token when a renewal can extend it, else (or when renewal is refused) logs in again. */
  async renewToken(): Promise<void> {
    const token = this.token;
    if (!token || !token.isUsable(this.now()) || !token.canRenew(this.now())) return this.login();
    try {
      this.useToken(token.renewed(await this.auth.renew(token.value), this.now()));
    } catch {
      // A refused renewal deletes the token on the server: only a new login helps.
      this.token = undefined;
      await this.login();
    }
  }

  async fetchScope(scope: Readonly<Required<InfisicalScope>>): Promise<FetchedSecret[]> {
    if (!this.token?.isUsable(this.now())) await this.login();
    try {
      return await this.listScope(scope);
    } catch (error) {
      if (!isRejectedToken(error)) throw toLoadError('list secrets', error, this.options);
      // Revoked or expired early: log in once more, then give up for this round.
      this.token = undefined;
      await this.login();
      try {
        return await this.listScope(scope);
      } catch (retryError) {
        throw toLoadError('list secrets', retryError, this.options);
      }
    }
  }

  private useToken(token: AccessToken): void {
    this.token = token;
    this.sdk.auth().accessToken(token.value);
  }

  private async listScope(scope: Readonly<Required<InfisicalScope>>): Promise<FetchedSecret[]> {
    const reply = await this.sdk.secrets().listSecrets({
      projectId: this.options.projectId,
      environment: scope.environment,
      secretPath: scope.secretPath,
      recursive: scope.recursive,
      includeImports: scope.includeImports,
      expandSecretReferences: this.options.expandSecretReferences,
    });
    return this.parseReply(reply, scope.secretPath);
  }

  /** Checks the reply's shape: a proxy or a non-Infisical server must not pass for an empty project. */
  private parseReply(reply: unknown, scopePath: string): FetchedSecret[] {
    const body = reply as { secrets?: unknown; imports?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !Array.isArray(body.secrets)) {
      throw notInfisicalReplyError('list secrets', 'the reply is not an Infisical secrets list', this.options);
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
