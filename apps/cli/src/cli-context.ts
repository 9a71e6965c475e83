import { InfisicalConfigOptionsError } from '../../../libs/infisical-config/src/errors/infisical-config-options.error.js';
import { InfisicalLoadError } from '../../../libs/infisical-config/src/errors/infisical-load.error.js';
import { AUTH_VARIABLES, BOOTSTRAP_VARIABLES, CACHE_KEY_VARIABLE } from '../../../libs/infisical-config/src/infisical-config.constants.js';
import type { InfisicalScope } from '../../../libs/infisical-config/src/infisical-config.options.js';
import { mergeScopes, type MergedSecrets } from '../../../libs/infisical-config/src/loader/merge-secrets.util.js';
import { infisicalOptionsFromEnv } from '../../../libs/infisical-config/src/options/options-from-env.util.js';
import { resolveInfisicalOptions } from '../../../libs/infisical-config/src/options/resolve-options.js';
import type { ResolvedInfisicalOptions } from '../../../libs/infisical-config/src/options/resolved-options.interface.js';
import { InfisicalSource } from '../../../libs/infisical-config/src/source/infisical.source.js';
import { CliError, EXIT } from './exit-codes.js';

/** The connection flags every command takes (beside the bootstrap variables, which they override). */
export interface ConnectionFlags {
  siteUrl?: string;
  projectId?: string;
  env?: string[];
  path?: string;
  recursive?: boolean;
  caCert?: string[];
  /** False: secret references (`${KEY}`) come back as written, not expanded. */
  expand?: boolean;
}

/** Variables that carry a credential: never exported, never passed to a child unless asked. */
export const CREDENTIAL_VARIABLES: readonly string[] = [
  BOOTSTRAP_VARIABLES.clientSecret,
  AUTH_VARIABLES.accessToken,
  AUTH_VARIABLES.jwt,
  CACHE_KEY_VARIABLE,
  'INFISICAL_TOKEN',
];

/** Commander's parser for a repeatable option (`--ca-cert a --ca-cert b`). */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Bootstrap and auth variables: never exported from Infisical's values. */
export const isInfisicalVariable = (key: string) => /^INFISICAL_/i.test(key);

/** Options as the module would build them from the environment, with the flags taking precedence. */
export function resolveCliOptions(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ResolvedInfisicalOptions {
  const overrides: Record<string, string | undefined> = {
    [BOOTSTRAP_VARIABLES.siteUrl]: flags.siteUrl,
    [BOOTSTRAP_VARIABLES.projectId]: flags.projectId,
    [BOOTSTRAP_VARIABLES.environment]: flags.env?.[0],
  };
  try {
    const base = infisicalOptionsFromEnv({ get: (key) => overrides[key] ?? env[key] });
    const environments = flags.env && flags.env.length > 0 ? flags.env : [base.scopes[0].environment];
    const scopes: InfisicalScope[] = environments.map((environment) => ({
      environment,
      secretPath: flags.path ?? '/',
      recursive: flags.recursive ?? false,
    }));
    return resolveInfisicalOptions({ ...base, scopes, caCertificates: flags.caCert ?? [], fileCache: undefined, expandSecretReferences: flags.expand ?? true }, env);
  } catch (error) {
    if (error instanceof InfisicalConfigOptionsError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/**
 * Options for the management commands (provision, check --layout): the site and the login only. The layout
 * names the projects, so the bootstrap project and environment are not needed; placeholders stand in.
 */
export function resolveAdminOptions(flags: Pick<ConnectionFlags, 'siteUrl' | 'caCert'>, env: NodeJS.ProcessEnv = process.env): ResolvedInfisicalOptions {
  return resolveCliOptions(
    { siteUrl: flags.siteUrl, caCert: flags.caCert, projectId: env[BOOTSTRAP_VARIABLES.projectId] || 'named-by-the-layout', env: [env[BOOTSTRAP_VARIABLES.environment] || 'named-by-the-layout'] },
    env,
  );
}

/** A failure of Infisical (network, TLS, login, access) as a CliError with exit code 3; the message has the remedy. */
export function infisicalFailure(error: unknown): never {
  if (error instanceof InfisicalLoadError) throw new CliError(error.message, EXIT.infisical);
  throw error;
}

/** A failed login of a command that names no project (provision): the site, the reason and the remedy. */
export function loginFailure(error: unknown, siteUrl: string): never {
  if (error instanceof InfisicalLoadError) {
    throw new CliError(`cannot log in to ${siteUrl}: ${error.reason}.${error.remedy ? ` ${error.remedy}` : ''}`, EXIT.infisical);
  }
  throw error;
}

/**
 * Logs in and reads every scope, merged in the module's order (a later scope wins). With a `source` (run
 * --watch keeps one, so its token is reused), the source is left open.
 */
export async function fetchMerged(options: ResolvedInfisicalOptions, source?: InfisicalSource): Promise<MergedSecrets> {
  const used = source ?? new InfisicalSource(options);
  try {
    const fetched = [];
    for (const scope of options.scopes) {
      const { secrets } = await used.fetchScope(scope);
      fetched.push({ secretPath: scope.secretPath, secrets });
    }
    return mergeScopes(fetched);
  } catch (error) {
    return infisicalFailure(error);
  } finally {
    if (!source) used.close();
  }
}

/** Infisical's values without the bootstrap variables and without the bootstrap client secret itself. */
export function exportable(values: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const credentials = new Set(CREDENTIAL_VARIABLES.map((name) => env[name]).filter((value): value is string => !!value));
  const result: Record<string, string> = Object.create(null);
  for (const key of Object.keys(values)) {
    if (isInfisicalVariable(key) || credentials.has(values[key])) continue;
    result[key] = values[key];
  }
  return result;
}
