import { handleLogin, handleRenew } from './auth.handlers.js';
import type { RouteHandler } from './route-handler.types.js';
import { handleCreateSecretsBatch, handleUpdateSecretsBatch } from './secret-batch.handlers.js';
import { handleCreateSecret, handleDeleteSecret, handleGetSecret, handleUpdateSecret } from './secret-crud.handlers.js';
import { handleListSecrets } from './secret-list.handler.js';
import { handleStatus } from './status.handler.js';
import { handleAwsLogin, handleJwtLogin, handleKubernetesLogin, handleOidcLogin } from './workload-auth.handlers.js';

/**
 * The routes the SDK uses, by the names tests count requests and inject faults with. `login` is Universal
 * Auth; `kubernetesLogin`, `oidcLogin`, `jwtLogin` and `awsLogin` are the machine-identity logins beside it.
 */
export type LocalInfisicalRoute =
  | 'login'
  | 'kubernetesLogin'
  | 'oidcLogin'
  | 'jwtLogin'
  | 'awsLogin'
  | 'renew'
  | 'listSecrets'
  | 'getSecret'
  | 'createSecret'
  | 'updateSecret'
  | 'deleteSecret'
  | 'createSecretsBatch'
  | 'updateSecretsBatch'
  | 'status';

export interface RouteMatch {
  route: LocalInfisicalRoute;
  /** still URL-encoded `:name`; decoding can fail and is the pipeline's job */
  rawSecretName?: string;
}

/** POST routes matched by exact path. */
const POST_ROUTES: Record<string, LocalInfisicalRoute> = {
  '/api/v1/auth/universal-auth/login': 'login',
  '/api/v1/auth/kubernetes-auth/login': 'kubernetesLogin',
  '/api/v1/auth/oidc-auth/login': 'oidcLogin',
  '/api/v1/auth/jwt-auth/login': 'jwtLogin',
  '/api/v1/auth/aws-auth/login': 'awsLogin',
  '/api/v1/auth/token/renew': 'renew',
  '/api/v3/secrets/batch/raw': 'createSecretsBatch',
};

const SECRET_BY_NAME = /^\/api\/v3\/secrets\/raw\/([^/]+)$/;
const SECRET_ROUTE_BY_METHOD: Record<string, LocalInfisicalRoute> = {
  GET: 'getSecret',
  POST: 'createSecret',
  PATCH: 'updateSecret',
  DELETE: 'deleteSecret',
};

/** Method + path to route; undefined is Fastify's 404. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  const postRoute = method === 'POST' && Object.hasOwn(POST_ROUTES, pathname) ? POST_ROUTES[pathname] : undefined;
  if (postRoute) return { route: postRoute };
  if (method === 'GET' && pathname === '/api/v3/secrets/raw') return { route: 'listSecrets' };
  if (method === 'GET' && pathname === '/api/status') return { route: 'status' };
  if (method === 'PATCH' && pathname === '/api/v3/secrets/batch/raw') return { route: 'updateSecretsBatch' };
  const byName = SECRET_BY_NAME.exec(pathname);
  const route = SECRET_ROUTE_BY_METHOD[method];
  if (byName && route) return { route, rawSecretName: byName[1] };
  return undefined;
}

export const ROUTE_HANDLERS: Record<LocalInfisicalRoute, RouteHandler> = {
  login: handleLogin,
  kubernetesLogin: handleKubernetesLogin,
  oidcLogin: handleOidcLogin,
  jwtLogin: handleJwtLogin,
  awsLogin: handleAwsLogin,
  renew: handleRenew,
  listSecrets: handleListSecrets,
  getSecret: handleGetSecret,
  createSecret: handleCreateSecret,
  updateSecret: handleUpdateSecret,
  deleteSecret: handleDeleteSecret,
  createSecretsBatch: handleCreateSecretsBatch,
  updateSecretsBatch: handleUpdateSecretsBatch,
  status: handleStatus,
};
