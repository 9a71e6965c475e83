import { randomUUID } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector } from './fault-injector.js';
import type { LocalInfisicalFault } from './fault-injector.js';
import { IdentityRegistry } from './identity-registry.js';
import type { LocalInfisicalRoute } from './local-infisical.routes.js';
import { LoginLockout } from './login-lockout.js';
import type { LoginLockoutOptions } from './login-lockout.js';
import { validateLocalInfisicalSeed } from './local-infisical.seed.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';
import { RequestCounter } from './request-counter.js';
import { RequestPipeline } from './request.pipeline.js';
import { normalizeSecretPath } from './secret-path.util.js';
import { SecretReferenceExpander } from './secret-reference.expander.js';
import { SecretStore } from './secret-store.js';
import { TokenIssuer } from './token-issuer.js';
import type { LocalInfisicalWebhook, LocalInfisicalWebhookDelivery } from './local-infisical.webhooks.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

export interface LocalInfisicalServerOptions {
  /** identities, projects, environments, folders and secrets at start; validated, errors list every problem */
  seed: LocalInfisicalSeed;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free random port) */
  port?: number;
  /**
   * ms clock used for token expiry (and timestamps), so tests can move time instead of waiting.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Universal Auth lockout, as newer Infisical servers do: `attempts` failed logins (wrong client secret)
   * of one client id within `windowSeconds` lock it for `lockSeconds`; while locked every login of it
   * answers 429 with `retry-after`, even with the right secret. A successful login resets the count;
   * unknown client ids never count. Timed by `now`. `false` disables it.
   * @default { attempts: 3, windowSeconds: 30, lockSeconds: 300 }
   */
  loginLockout?: LoginLockoutOptions | false;
  /**
   * Answer the secrets list with an `ETag`, and a repeat with a matching `If-None-Match` with 304, as the
   * real server does. `false` plays a server (or proxy) that sends no ETag.
   * @default true
   */
  etags?: boolean;
  /**
   * Serve HTTPS with this key and certificate (PEM), to test a private CA: the URL becomes `https://`.
   * The certificate must cover the host the clients use (`localhost`, `127.0.0.1`).
   */
  tls?: { key: string; cert: string };
  /**
   * ms between a secret change and its webhook deliveries; further changes to the same folder meanwhile are
   * merged into that delivery. The real server takes about 2.1 s; tests set ~50.
   * @default 2000
   */
  webhookDelayMs?: number;
  /**
   * ms a webhook delivery may take (connect to the end of the answer) before it is recorded as 'error'
   * (`timeout`); never retried, as on the real server.
   * @default 15000
   */
  webhookTimeoutMs?: number;
}

const DEFAULT_WEBHOOK_DELAY_MS = 2000;
const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;

/** The parts close() and the test controls reach into. */
interface ServerParts {
  httpServer: Server;
  sockets: Set<Socket>;
  shutdown: AbortController;
  store: SecretStore;
  tokens: TokenIssuer;
  identities: IdentityRegistry;
  faults: FaultInjector;
  counter: RequestCounter;
  lockout: LoginLockout;
  webhooks: WebhookDispatcher;
}

function listen(httpServer: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
}

/**
 * A local Infisical-compatible HTTP server for tests, benchmarks and demos: the real `@infisical/sdk`
 * works against it unchanged (`new InfisicalSDK({ siteUrl: server.url })`).
 */
export class LocalInfisicalServer {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly parts: ServerParts,
    /** 'http://127.0.0.1:PORT', no trailing slash */
    readonly url: string,
    readonly port: number,
    /** the one organization every identity and project belongs to (`seed.organizationId`, else a random UUID) */
    readonly organizationId: string,
  ) {}

  static async start(options: LocalInfisicalServerOptions): Promise<LocalInfisicalServer> {
    const seed = validateLocalInfisicalSeed(options.seed, 'options.seed');
    const clock = options.now ?? Date.now;
    const now = (): number => clock();
    const host = options.host ?? '127.0.0.1';

    for (const field of ['webhookDelayMs', 'webhookTimeoutMs'] as const) {
      const value = options[field];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
        throw new Error(`options.${field} must be a number of ms >= 0`);
      }
    }
    const store = new SecretStore(seed, now);
    const webhooks = new WebhookDispatcher(store, {
      delayMs: options.webhookDelayMs ?? DEFAULT_WEBHOOK_DELAY_MS,
      timeoutMs: options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
      now,
    });
    for (const [projectId, project] of Object.entries(seed.projects)) {
      for (const webhook of project.webhooks ?? []) webhooks.add({ ...webhook, projectId });
    }
    const tokens = new TokenIssuer(now);
    const faults = new FaultInjector();
    const counter = new RequestCounter();
    const lockout = new LoginLockout(options.loginLockout, now);
    const shutdown = new AbortController();
    const identities = new IdentityRegistry(seed.identities, now);
    const organizationId = seed.organizationId ?? randomUUID();
    const context = { store, tokens, identities, lockout, organizationId, expander: new SecretReferenceExpander(store), now, etags: options.etags ?? true };
    const pipeline = new RequestPipeline({ context, faults, counter, shutdown: shutdown.signal });

    const httpServer = options.tls ? createHttpsServer(options.tls, pipeline.handle) : createServer(pipeline.handle);
    // tracked so close() can destroy idle keep-alive and black-holed sockets alike
    const sockets = new Set<Socket>();
    httpServer.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await listen(httpServer, options.port ?? 0, host);

    const { port } = httpServer.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return new LocalInfisicalServer(
      { httpServer, sockets, shutdown, store, tokens, identities, faults, counter, lockout, webhooks },
      `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`,
      port,
      organizationId,
    );
  }

  /** Requests received per route (counted on arrival, also when a fault answered); no arg = total, unknown routes included. */
  requestCount(route?: LocalInfisicalRoute): number {
    return this.parts.counter.count(route);
  }

  /** Client connections open right now (a black-holed request keeps one until the client gives up). */
  openConnections(): number {
    return this.parts.sockets.size;
  }

  /** How many handler replies (faults excluded) a route answered with `status`: 304s of the list, say. */
  replyCount(route: LocalInfisicalRoute, status: number): number {
    return this.parts.counter.replyCount(route, status);
  }

  resetRequestCounts(): void {
    this.parts.counter.reset();
  }

  /** Adds a fault for one route or all ('*', unknown routes too); returns a function that removes it. */
  injectFault(route: LocalInfisicalRoute | '*', fault: LocalInfisicalFault): () => void {
    return this.parts.faults.add(route, fault);
  }

  clearFaults(): void {
    this.parts.faults.clear();
  }

  /** Direct store edit, as if someone changed the secret in the Infisical UI; creates the environment or folder if needed. */
  setSecret(projectId: string, environment: string, secretPath: string, key: string, value: string): void {
    this.parts.store.upsertSecret({ projectId, environment, secretPath: normalizeSecretPath(secretPath) }, key, value);
  }

  /** Direct store edit; throws when the secret does not exist, so a typo in a test does not pass silently. */
  deleteSecret(projectId: string, environment: string, secretPath: string, key: string): void {
    const location = { projectId, environment, secretPath: normalizeSecretPath(secretPath) };
    const folder = this.parts.store.findFolder(location);
    if (!folder || !this.parts.store.removeSecret(folder, key)) {
      throw new Error(`No secret '${key}' in project '${projectId}', environment '${environment}', path '${location.secretPath}'`);
    }
  }

  /**
   * Deletes every live token (of one identity, named by its clientId or its identityId, or of all): later use
   * gives 401 'No identity access token found'. Tokens from every auth method of that identity go. An id
   * that names no identity deletes nothing.
   */
  revokeTokens(clientIdOrIdentityId?: string): void {
    if (clientIdOrIdentityId === undefined) {
      this.parts.tokens.revoke();
      return;
    }
    const { identities } = this.parts;
    const identity = identities.findByClientId(clientIdOrIdentityId) ?? identities.findById(clientIdOrIdentityId);
    if (identity) this.parts.tokens.revoke(identity.identityId);
  }

  /**
   * The identityId of the identity with this Universal Auth client id (a random UUID unless the seed fixed
   * it), for the workload logins' `identityId`. Throws for an unknown client id, so a typo fails loudly.
   */
  identityIdOf(clientId: string): string {
    const identity = this.parts.identities.findByClientId(clientId);
    if (!identity) throw new Error(`No identity with client id '${clientId}'`);
    return identity.identityId;
  }

  /**
   * As if the server were restored or its signing secret changed (a failover to another instance): every
   * token issued so far gets 403 TokenError, like any token the server cannot verify. New logins work.
   */
  rekey(): void {
    this.parts.tokens.rekey();
  }

  /** Whether this client id's Universal Auth is locked right now (by `options.now`) after too many failed logins. */
  isLockedOut(clientId: string): boolean {
    return this.parts.lockout.isLocked(clientId);
  }

  /**
   * Registers a project webhook, as in the Infisical UI: after a secret change in its environment and a
   * folder its `secretPath` glob matches (or in a folder imported there), it gets
   * `POST {event: 'secrets.modified', project: {workspaceId, environment, secretPath}, timestamp}`, signed
   * in `x-infisical-signature` when it has a `secretKey`. Changes by `setSecret`/`deleteSecret` and by the
   * create/update/delete routes all count. Returns its id; throws when a field is wrong or the project unknown.
   */
  addWebhook(webhook: LocalInfisicalWebhook): string {
    return this.parts.webhooks.add(webhook);
  }

  /** Deletes a webhook; a delivery still waiting out `webhookDelayMs` is dropped. Throws for an unknown id. */
  removeWebhook(id: string): void {
    this.parts.webhooks.remove(id);
  }

  /**
   * Infisical's "test webhook": delivers `{event: 'test', project: {workspaceId, environment, secretPath:
   * <the webhook's glob>}, timestamp}` at once, signed like the others; resolves with its record (also kept
   * in `webhookDeliveries()`). A receiver that does not answer makes it wait `webhookTimeoutMs`.
   */
  testWebhook(id: string): Promise<LocalInfisicalWebhookDelivery> {
    return this.parts.webhooks.test(id);
  }

  /**
   * What happened to each finished delivery (of one webhook or all), oldest first: the receiver's status or
   * 'error'. One try per delivery, no retries. Bodies are never kept; the last 1000 records are.
   */
  webhookDeliveries(webhookId?: string): LocalInfisicalWebhookDelivery[] {
    return this.parts.webhooks.recorded(webhookId);
  }

  /**
   * Stops listening and destroys every open socket (black-holed ones too), drops the webhook deliveries
   * still waiting and aborts those on the wire (not recorded); resolves when fully closed.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const { httpServer, sockets, shutdown, webhooks } = this.parts;
      shutdown.abort();
      const listening = new Promise<void>((closed) => httpServer.close(() => closed()));
      httpServer.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      void Promise.all([listening, webhooks.close()]).then(() => resolve());
    });
    return this.closing;
  }
}
