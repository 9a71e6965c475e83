import type { OnModuleDestroy } from '@nestjs/common';
import type { InfisicalScope } from '../infisical-config.options.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { DEFAULTS } from '../infisical-config.constants.js';
import { AccessToken } from './access-token.js';
import { InfisicalHttpClient } from './infisical-http.client.js';
import { InfisicalHttpError } from './infisical-http.error.js';
import { notInfisicalReplyError, toLoadError } from './infisical-failure.util.js';
import { LoginThrottle } from './login-throttle.js';
import { yieldToEventLoop } from '../loader/yield.util.js';
import { IdentityAuthClient } from './identity-auth.client.js';
import { loginRequestFor } from './identity-login.js';

/** One secret as fetched, with where it came from (for the merge order). */
export interface FetchedSecret {
  readonly key: string;
  readonly value: string;
  /** Folder the secret lives in. */
  readonly secretPath: string;
  /** True when it came through a secret import rather than the folder itself. */
  readonly imported: boolean;
}

/** One scope's answer: its secrets, and whether they are the very list of the last answer (a 304). */
export interface FetchedScope {
  readonly secrets: readonly FetchedSecret[];
  readonly notModified: boolean;
}

interface RawSecret {
  secretKey?: unknown;
  secretValue?: unknown;
  secretPath?: unknown;
}

type Scope = Readonly<Required<InfisicalScope>>;

/** 401 (revoked, past its TTL) or 403 (expired, malformed, signed by another server): the token is refused. */
const isRefusedToken = (error: unknown) => error instanceof InfisicalHttpError && (error.status === 401 || error.status === 403);

/** A 4xx other than 429: the server refused the request itself (credentials, token), trying again will not help. */
const isRefusal = (status: number | undefined) => status !== undefined && status >= 400 && status < 500 && status !== 429;

/**
 * Everything that talks to Infisical, through the module's own HTTP client: Universal Auth (login, renewal
 * before expiry, login again when renewal cannot work or a token is refused) and listing the secrets of a
 * scope. Errors come out as {@link InfisicalLoadError} with a remedy and without query strings or values.
 * After {@link close}, every request is aborted and nothing is kept.
 */
export class InfisicalSource implements OnModuleDestroy {
  private readonly shutdown = new AbortController();
  private readonly auth: IdentityAuthClient;
  private readonly http: InfisicalHttpClient;
  private readonly throttle = new LoginThrottle();
  private readonly tokenListeners = new Set<() => void>();
  private token: AccessToken | undefined;
  private loggingIn: Promise<AccessToken> | undefined;
  /** Per scope, the last list and its ETag: an unchanged scope costs a 304, not a download. */
  private readonly lastLists = new Map<Scope, { etag: string; secrets: readonly FetchedSecret[] }>();

  constructor(
    private readonly options: ResolvedInfisicalOptions,
    private readonly now: () => number = Date.now,
  ) {
    // Each request is bounded; a load also aborts its requests at its own deadline (the signal it passes).
    this.http = new InfisicalHttpClient({
      siteUrl: options.siteUrl,
      requestTimeoutMs: DEFAULTS.requestTimeoutMs,
      shutdown: this.shutdown.signal,
      extraCaCertificates: options.caCertificates,
    });
    this.auth = new IdentityAuthClient(this.http);
  }

  /** When the current token should be renewed, if there is one and its expiry is known. */
  get tokenRenewAt(): number | undefined {
    const renewAt = this.token?.renewAt;
    return renewAt !== undefined && Number.isFinite(renewAt) ? renewAt : undefined;
  }

  /** When the current token expires, if there is one and its expiry is known. */
  get tokenExpiresAt(): number | undefined {
    const expiresAt = this.token?.expiresAt;
    return expiresAt !== undefined && Number.isFinite(expiresAt) ? expiresAt : undefined;
  }

  get closed(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** Called after every new login, wherever it happened (boot, refresh, renewal), to plan the renewal. */
  onNewToken(listener: () => void): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** Aborts every request in flight; nothing that answers later is kept. */
  close(): void {
    this.shutdown.abort();
    this.tokenListeners.clear();
  }

  /** The current token while it is usable, else a new login: for callers that make their own requests (the CLI). */
  async usableToken(signal?: AbortSignal): Promise<AccessToken> {
    const current = this.token;
    return current?.isUsable(this.now()) ? current : this.login(signal);
  }

  /**
   * Logs in, unless refused logins must still be spaced out: then fails with the last login error.
   * Concurrent callers (one per scope) share one login.
   */
  login(signal?: AbortSignal): Promise<AccessToken> {
    this.loggingIn ??= this.attemptLogin(signal).finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async attemptLogin(signal: AbortSignal | undefined): Promise<AccessToken> {
    const blocked = this.throttle.blockedError(this.now());
    if (blocked) throw blocked;
    const { auth } = this.options;
    let token: AccessToken;
    try {
      // A plain access token is used as given: its expiry is unknown until the server refuses it.
      token =
        auth.method === 'access-token'
          ? AccessToken.given(auth.accessToken, this.now())
          : AccessToken.fromLogin(await this.auth.login(await loginRequestFor(auth), signal), this.now());
    } catch (error) {
      const loadError = toLoadError('login', error, this.options);
      // Refusals are spaced out (a lockout follows repeated ones) and a 429 waits what the server asked;
      // a 5xx or a network failure is not held against the next attempt.
      if (isRefusal(loadError.status)) this.throttle.refused(loadError, this.now());
      else if (loadError.status === 429) this.throttle.rateLimited(loadError, this.now(), loadError.retryAfterMs);
      throw loadError;
    }
    this.throttle.succeeded();
    if (this.closed) return token;
    this.token = token;
    for (const listener of this.tokenListeners) listener();
    return token;
  }

  /**
   * Renews the token when a renewal can extend it, else (or when the server refuses the renewal) logs in
   * again. A renewal that fails on the way (network, 5xx) keeps the token: it is still valid.
   */
  async renewToken(): Promise<void> {
    const token = this.token;
    if (!token || !token.isUsable(this.now()) || !token.canRenew(this.now())) {
      await this.login();
      return;
    }
    let issued;
    try {
      issued = await this.auth.renew(token.value);
    } catch (error) {
      if (!(error instanceof InfisicalHttpError && isRefusal(error.status))) throw toLoadError('login', error, this.options);
      // A refused renewal deletes the token on the server: only a new login helps.
      if (this.token === token) this.token = undefined;
      await this.login();
      return;
    }
    if (!this.closed && this.token === token) this.token = token.renewed(issued, this.now());
  }

  /**
   * The secrets of one scope. A token that worked before and is now refused (revoked, expired early, or
   * signed before the server was restored or re-keyed) leads to one new login and one more try; a refusal
   * right after a fresh login is reported as it is (an access problem).
   */
  async fetchScope(scope: Scope, signal?: AbortSignal): Promise<FetchedScope> {
    const current = this.token;
    const token = current?.isUsable(this.now()) ? current : await this.login(signal);
    try {
      return await this.listScope(scope, token, signal);
    } catch (error) {
      if (token !== current || !isRefusedToken(error)) throw toLoadError('list secrets', error, this.options);
    }
    const fresh = await this.replaceRefused(token, signal);
    try {
      return await this.listScope(scope, fresh, signal);
    } catch (retryError) {
      throw toLoadError('list secrets', retryError, this.options);
    }
  }

  /** A token other than the refused one: another scope's new login, or a login of our own. */
  private replaceRefused(refused: AccessToken, signal: AbortSignal | undefined): Promise<AccessToken> {
    const current = this.token;
    if (current && current !== refused && current.isUsable(this.now())) return Promise.resolve(current);
    if (current === refused) this.token = undefined;
    return this.login(signal);
  }

  private async listScope(scope: Scope, token: AccessToken, signal: AbortSignal | undefined): Promise<FetchedScope> {
    const last = this.lastLists.get(scope);
    const reply = await this.http.request({
      method: 'GET',
      path: '/api/v3/secrets/raw',
      expecting: 'an Infisical secrets list',
      ifNoneMatch: last?.etag,
      accessToken: token.value,
      signal,
      // Every flag is sent: newer servers default them differently.
      query: {
        workspaceId: this.options.projectId,
        environment: scope.environment,
        secretPath: scope.secretPath,
        recursive: String(scope.recursive),
        include_imports: String(scope.includeImports),
        expandSecretReferences: String(this.options.expandSecretReferences),
        viewSecretValue: 'true',
      },
    });
    if (reply.notModified) return { secrets: (last as { secrets: readonly FetchedSecret[] }).secrets, notModified: true };
    await yieldToEventLoop(); // after the parse, before reading the secrets out of it
    const secrets = this.parseReply(reply.body, scope.secretPath);
    // A server that sends no ETag gets a full request every time.
    if (reply.etag) this.lastLists.set(scope, { etag: reply.etag, secrets });
    else this.lastLists.delete(scope);
    return { secrets, notModified: false };
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
