import type { IncomingHttpHeaders } from 'node:http';
import type { IdentityRegistry } from './identity-registry.js';
import type { LoginLockout } from './login-lockout.js';
import type { SecretReferenceExpander } from './secret-reference.expander.js';
import type { SecretStore } from './secret-store.js';
import type { TokenIssuer } from './token-issuer.js';

/** A request after routing and body parsing, as the handlers see it. */
export interface InboundRequest {
  method: string;
  /** raw URL with its query string, as Fastify prints it in its 404 message */
  url: string;
  /** decoded `:name` of /api/v3/secrets/raw/:name */
  secretName?: string;
  /** the route's decoded path parameters (`projectId`, `identityId`…) */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** parsed JSON body, undefined when there was none */
  body: unknown;
}

/** What a handler answers; `body` is already serialised so the list route can hash it for its ETag. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Shared state of one server instance. */
export interface HandlerContext {
  store: SecretStore;
  tokens: TokenIssuer;
  identities: IdentityRegistry;
  lockout: LoginLockout;
  /** the one organization every identity and project belongs to */
  organizationId: string;
  expander: SecretReferenceExpander;
  /** ms clock (options.now) */
  now: () => number;
  /** whether the list answers with an ETag (options.etags) */
  etags: boolean;
}

/** Handlers are synchronous: the store is in memory; errors are thrown as InfisicalReplyError. */
export type RouteHandler = (request: InboundRequest, context: HandlerContext) => Reply;
