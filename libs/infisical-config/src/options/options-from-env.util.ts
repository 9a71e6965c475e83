import { BOOTSTRAP_VARIABLES, CACHE_KEY_VARIABLE } from '../infisical-config.constants.js';
import type { InfisicalConfigModuleOptions } from '../infisical-config.options.js';
import { InfisicalConfigOptionsError } from '../errors/infisical-config-options.error.js';
import { findOptionProblems } from './resolve-options.js';

/** Anything that reads a variable by name: `ConfigService` fits, and so does the default `process.env` reader. */
export interface EnvReader {
  get(key: string): string | undefined;
}

const processEnvReader: EnvReader = { get: (key) => process.env[key] };

/**
 * Builds module options from the five bootstrap variables (`INFISICAL_SITE_URL`, `INFISICAL_PROJECT_ID`,
 * `INFISICAL_ENVIRONMENT`, `INFISICAL_CLIENT_ID`, `INFISICAL_CLIENT_SECRET`), with one scope: the root
 * folder of that environment. Spread the result to add scopes or change defaults. When
 * `INFISICAL_CACHE_KEY` is set, the encrypted file cache is on with that key.
 *
 * Throws one {@link InfisicalConfigOptionsError} naming every missing or invalid variable.
 */
export function infisicalOptionsFromEnv(env: EnvReader = processEnvReader): InfisicalConfigModuleOptions {
  const read = (key: string) => env.get(key)?.trim() ?? '';
  const options: InfisicalConfigModuleOptions = {
    siteUrl: read(BOOTSTRAP_VARIABLES.siteUrl),
    projectId: read(BOOTSTRAP_VARIABLES.projectId),
    scopes: [{ environment: read(BOOTSTRAP_VARIABLES.environment) }],
    auth: { clientId: read(BOOTSTRAP_VARIABLES.clientId), clientSecret: env.get(BOOTSTRAP_VARIABLES.clientSecret) ?? '' },
  };
  const cacheKey = read(CACHE_KEY_VARIABLE);
  if (cacheKey) options.fileCache = { key: cacheKey };
  const problems = findOptionProblems(options, { ...BOOTSTRAP_VARIABLES, cacheKey: CACHE_KEY_VARIABLE });
  if (problems.length > 0) throw new InfisicalConfigOptionsError(problems);
  return options;
}
