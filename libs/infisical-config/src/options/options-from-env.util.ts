import { AUTH_VARIABLES, BOOTSTRAP_VARIABLES, CACHE_KEY_VARIABLE } from '../infisical-config.constants.js';
import type { InfisicalAuthOptions, InfisicalConfigModuleOptions } from '../infisical-config.options.js';
import { InfisicalConfigOptionsError } from '../errors/infisical-config-options.error.js';
import { findOptionProblems } from './resolve-options.js';

/** Anything that reads a variable by name: `ConfigService` fits, and so does the default `process.env` reader. */
export interface EnvReader {
  get(key: string): string | undefined;
}

const processEnvReader: EnvReader = { get: (key) => process.env[key] };

/** The auth options the variables describe, for the method `INFISICAL_AUTH_METHOD` names (Universal Auth by default). */
function authFromEnv(read: (key: string) => string, raw: (key: string) => string | undefined): InfisicalAuthOptions {
  const method = read(AUTH_VARIABLES.method) || 'universal-auth';
  const identityId = read(AUTH_VARIABLES.identityId);
  switch (method) {
    case 'kubernetes':
      return { method, identityId, serviceAccountTokenPath: read(AUTH_VARIABLES.kubernetesTokenPath) || undefined };
    case 'aws-iam':
      return { method, identityId };
    case 'oidc':
    case 'jwt':
      return { method, identityId, token: read(AUTH_VARIABLES.jwt) || undefined, tokenPath: read(AUTH_VARIABLES.jwtPath) || undefined };
    case 'access-token':
      return { method, accessToken: raw(AUTH_VARIABLES.accessToken) ?? '' };
    default:
      // An unknown name is reported by the options check, with the list of methods.
      return { method: method as 'universal-auth', clientId: read(BOOTSTRAP_VARIABLES.clientId), clientSecret: raw(BOOTSTRAP_VARIABLES.clientSecret) ?? '' };
  }
}

/** The variable names the problems of the options are reported with. */
const VARIABLE_LABELS = {
  ...BOOTSTRAP_VARIABLES,
  cacheKey: CACHE_KEY_VARIABLE,
  method: AUTH_VARIABLES.method,
  identityId: AUTH_VARIABLES.identityId,
  token: `${AUTH_VARIABLES.jwt} or ${AUTH_VARIABLES.jwtPath}`,
  accessToken: AUTH_VARIABLES.accessToken,
};

/**
 * Builds module options from the bootstrap variables (`INFISICAL_SITE_URL`, `INFISICAL_PROJECT_ID`,
 * `INFISICAL_ENVIRONMENT`, and the credentials of the auth method: `INFISICAL_CLIENT_ID` and
 * `INFISICAL_CLIENT_SECRET` for Universal Auth, the default; see `INFISICAL_AUTH_METHOD` in the README for
 * the others), with one scope: the root folder of that environment. Spread the result to add scopes or
 * change defaults. When `INFISICAL_CACHE_KEY` is set, the encrypted file cache is on with that key.
 *
 * Throws one {@link InfisicalConfigOptionsError} naming every missing or invalid variable.
 */
export function infisicalOptionsFromEnv(env: EnvReader = processEnvReader): InfisicalConfigModuleOptions {
  const read = (key: string) => env.get(key)?.trim() ?? '';
  const options: InfisicalConfigModuleOptions = {
    siteUrl: read(BOOTSTRAP_VARIABLES.siteUrl),
    projectId: read(BOOTSTRAP_VARIABLES.projectId),
    scopes: [{ environment: read(BOOTSTRAP_VARIABLES.environment) }],
    auth: authFromEnv(read, (key) => env.get(key)),
  };
  const cacheKey = read(CACHE_KEY_VARIABLE);
  if (cacheKey) options.fileCache = { key: cacheKey };
  const problems = findOptionProblems(options, VARIABLE_LABELS);
  if (problems.length > 0) throw new InfisicalConfigOptionsError(problems);
  return options;
}
