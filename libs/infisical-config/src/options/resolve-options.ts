import { DEFAULTS } from '../infisical-config.constants.js';
import { resolve } from 'node:path';
import { parseCacheKey } from '../cache/cache-key.util.js';
import type {
  InfisicalConfigModuleOptions,
  InfisicalDotenvFallbackOptions,
  InfisicalFileCacheOptions,
  InfisicalFleetOptions,
  InfisicalRefreshOptions,
  InfisicalRotationOptions,
  InfisicalScope,
  ProcessEnvMode,
} from '../infisical-config.options.js';
import { InfisicalConfigOptionsError } from '../errors/infisical-config-options.error.js';
import { MAX_TIMER_DELAY_MS } from '../refresh/refresh-delay.util.js';
import type { ResolvedInfisicalOptions } from './resolved-options.interface.js';
import { AUTH_FIELD_LABELS, authProblems, resolveAuth, type AuthLabels } from './resolve-auth.js';
import { readCaCertificates } from './ca-certificates.util.js';

const PROCESS_ENV_MODES: readonly ProcessEnvMode[] = ['override', 'preserve', 'skip'];

/** Display names of the bootstrap fields in problem messages (the helper passes env variable names). */
export interface OptionLabels extends AuthLabels {
  siteUrl: string;
  projectId: string;
  environment: string;
  cacheKey: string;
}

const FIELD_LABELS: OptionLabels = {
  ...AUTH_FIELD_LABELS,
  siteUrl: 'siteUrl',
  projectId: 'projectId',
  environment: 'scopes[0].environment',
  cacheKey: 'fileCache.key',
};

const isBlank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

function siteUrlProblem(siteUrl: unknown, label: string): string | undefined {
  if (isBlank(siteUrl)) return `${label} is not set: the base URL of your Infisical, e.g. https://infisical.example.com`;
  let url: URL;
  try {
    url = new URL(siteUrl as string);
  } catch {
    // The value itself is not printed: a URL can carry credentials.
    return `${label} is not a valid URL: use the base URL of your Infisical, e.g. https://infisical.example.com`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${label} must start with http:// or https://`;
  if (url.username || url.password) return `${label} must not contain credentials; put them in auth`;
  if (url.search || url.hash) return `${label} must not have a query string or fragment`;
  return undefined;
}

function scopeProblems(scopes: unknown, labels: OptionLabels): string[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    return [`scopes must list at least one { environment, secretPath } (${labels.environment} is not set)`];
  }
  return scopes.flatMap((scope: Partial<InfisicalScope> | undefined, index) => {
    const problems: string[] = [];
    const label = index === 0 ? labels.environment : `scopes[${index}].environment`;
    if (isBlank(scope?.environment)) problems.push(`${label} is not set: the environment slug, e.g. dev or prod`);
    const path = scope?.secretPath;
    if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
      problems.push(`scopes[${index}].secretPath must be an absolute folder path such as / or /server`);
    }
    return problems;
  });
}

const isPositive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isShare = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1;

function refreshProblems(refresh: InfisicalRefreshOptions | undefined): string[] {
  if (refresh === undefined) return [];
  if (typeof refresh !== 'object' || refresh === null) return ['refresh must be an object'];
  const problems: string[] = [];
  for (const field of ['ttlMs', 'timeoutMs', 'retryBaseMs', 'retryMaxMs'] as const) {
    if (refresh[field] !== undefined && !isPositive(refresh[field])) problems.push(`refresh.${field} must be a positive number of milliseconds`);
  }
  if (refresh.refreshAt !== undefined && !(isShare(refresh.refreshAt) && refresh.refreshAt > 0)) {
    problems.push('refresh.refreshAt must be a share of the TTL between 0 (excluded) and 1, e.g. 0.8');
  }
  if (refresh.jitter !== undefined && !(isShare(refresh.jitter) && refresh.jitter < 1)) problems.push('refresh.jitter must be between 0 and 1 (excluded), e.g. 0.1');
  if (refresh.maxRemovedShare !== undefined && !isShare(refresh.maxRemovedShare)) problems.push('refresh.maxRemovedShare must be between 0 and 1, e.g. 0.5');
  return problems;
}

function fleetProblems(fleet: InfisicalFleetOptions | undefined, fileCache: InfisicalFileCacheOptions | undefined): string[] {
  if (fleet === undefined) return [];
  if (typeof fleet !== 'object' || fleet === null) return ['fleet must be an object with redis'];
  const problems: string[] = [];
  const redis = fleet.redis;
  if (!(typeof redis === 'string' ? /^rediss?:\/\//.test(redis) : typeof redis === 'object' && redis !== null)) {
    problems.push('fleet.redis must be a redis:// URL or ioredis options');
  }
  const key = fleet.key ?? fileCache?.key;
  if (key === undefined) problems.push('fleet needs a key to encrypt the snapshot in Redis: set fleet.key (or fileCache.key), 32 random bytes in base64');
  else {
    try {
      parseCacheKey(key);
    } catch (error) {
      problems.push(`fleet.key: ${(error as Error).message}`);
    }
  }
  if (fleet.leaseMs !== undefined && !(isPositive(fleet.leaseMs) && fleet.leaseMs >= 1_000)) problems.push('fleet.leaseMs must be at least 1000 milliseconds');
  return problems;
}

function rotationProblems(rotation: InfisicalRotationOptions | undefined): string[] {
  if (rotation === undefined) return [];
  const problems: string[] = [];
  const keys = rotation.keepPrevious;
  if (keys !== undefined && !(Array.isArray(keys) && keys.every((key) => typeof key === 'string' && !isBlank(key)))) {
    problems.push('rotation.keepPrevious must be a list of key names');
  }
  const windowMs = rotation.previousWindowMs;
  if (windowMs !== undefined && !(isPositive(windowMs) && windowMs <= MAX_TIMER_DELAY_MS)) {
    problems.push(`rotation.previousWindowMs must be a positive number of milliseconds, at most ${MAX_TIMER_DELAY_MS} (about 24 days)`);
  }
  return problems;
}

function fileCacheProblems(fileCache: InfisicalFileCacheOptions | undefined, keyLabel: string): string[] {
  if (fileCache === undefined) return [];
  const problems: string[] = [];
  if (fileCache.key !== undefined) {
    try {
      parseCacheKey(fileCache.key);
    } catch (error) {
      problems.push(`${keyLabel}: ${(error as Error).message}`);
    }
  }
  if (fileCache.path !== undefined && isBlank(fileCache.path)) problems.push('fileCache.path must be a file path');
  if (fileCache.maxAgeMs !== undefined && !isPositive(fileCache.maxAgeMs)) problems.push('fileCache.maxAgeMs must be a positive number of milliseconds');
  return problems;
}

function dotenvProblems(dotenv: InfisicalDotenvFallbackOptions | undefined): string[] {
  if (dotenv?.paths === undefined) return [];
  return Array.isArray(dotenv.paths) && dotenv.paths.every((path) => !isBlank(path)) ? [] : ['dotenvFallback.paths must be a list of file paths'];
}

/** Every problem of the options, as messages that say how to fix them; never includes the client secret. */
export function findOptionProblems(options: Partial<InfisicalConfigModuleOptions> | undefined, labels = FIELD_LABELS) {
  if (!options || typeof options !== 'object') return ['options are missing: pass an object to forRoot() or return one from useFactory'];
  const problems: string[] = [];
  const siteProblem = siteUrlProblem(options.siteUrl, labels.siteUrl);
  if (siteProblem) problems.push(siteProblem);
  if (isBlank(options.projectId)) problems.push(`${labels.projectId} is not set: the project id from Project settings`);
  problems.push(...scopeProblems(options.scopes, labels));
  problems.push(...authProblems(options.auth, labels));
  if (options.caCertificates !== undefined && !Array.isArray(options.caCertificates)) problems.push('caCertificates must be a list of PEM texts or file paths');
  if (options.processEnv !== undefined && !PROCESS_ENV_MODES.includes(options.processEnv)) {
    problems.push(`processEnv must be one of ${PROCESS_ENV_MODES.join(', ')}`);
  }
  problems.push(...rotationProblems(options.rotation), ...fleetProblems(options.fleet, options.fileCache));
  const allowed = options.allowProcessEnvKeys;
  if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((key) => typeof key === 'string' && !isBlank(key)))) {
    problems.push('allowProcessEnvKeys must be a list of variable names');
  }
  const timeout = options.startupTimeoutMs;
  if (options.schema !== undefined && typeof options.schema !== 'function') problems.push('schema must be a class with class-validator decorators');
  if (options.routineLogLevel !== undefined && !['log', 'debug', 'verbose'].includes(options.routineLogLevel)) {
    problems.push('routineLogLevel must be one of log, debug, verbose');
  }
  if (timeout !== undefined && !isPositive(timeout)) problems.push('startupTimeoutMs must be a positive number of milliseconds');
  problems.push(...refreshProblems(options.refresh), ...fileCacheProblems(options.fileCache, labels.cacheKey), ...dotenvProblems(options.dotenvFallback));
  return problems;
}

/**
 * Freezes `object` with `secret` as a non-enumerable property: readable by the library, but absent from
 * `JSON.stringify`, `console.log` and spreads, since the resolved options are injectable by the app.
 */
function withHiddenSecret<T extends object, K extends string, V>(object: T, name: K, secret: V): Readonly<T & Record<K, V>> {
  Object.defineProperty(object, name, { value: secret, enumerable: false });
  return Object.freeze(object as T & Record<K, V>);
}

/** The fields that are set, so that an explicit `undefined` does not erase a default. */
function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Applies defaults and validates, once; throws one error that lists every problem. */
export function resolveInfisicalOptions(options: InfisicalConfigModuleOptions, env: NodeJS.ProcessEnv = process.env): ResolvedInfisicalOptions {
  const problems = findOptionProblems(options);
  const ca = readCaCertificates(Array.isArray(options?.caCertificates) ? options.caCertificates : []);
  problems.push(...ca.problems);
  if (problems.length > 0) throw new InfisicalConfigOptionsError(problems);
  return Object.freeze({
    siteUrl: options.siteUrl.trim().replace(/\/+$/, ''),
    projectId: options.projectId.trim(),
    scopes: Object.freeze(
      options.scopes.map((scope) =>
        Object.freeze({
          environment: scope.environment.trim(),
          secretPath: normalizePath(scope.secretPath ?? DEFAULTS.secretPath),
          recursive: scope.recursive ?? DEFAULTS.recursive,
          includeImports: scope.includeImports ?? DEFAULTS.includeImports,
          allowEmpty: scope.allowEmpty ?? false,
        }),
      ),
    ),
    auth: resolveAuth(options.auth, env),
    processEnv: options.processEnv ?? DEFAULTS.processEnv,
    allowProcessEnvKeys: Object.freeze([...(options.allowProcessEnvKeys ?? [])]),
    expandSecretReferences: options.expandSecretReferences ?? DEFAULTS.expandSecretReferences,
    startupTimeoutMs: options.startupTimeoutMs ?? DEFAULTS.startupTimeoutMs,
    routineLogLevel: options.routineLogLevel ?? DEFAULTS.routineLogLevel,
    refresh: Object.freeze({ ...DEFAULTS.refresh, ...definedFields(options.refresh ?? {}) }),
    rotation: Object.freeze({
      keepPrevious: Object.freeze([...(options.rotation?.keepPrevious ?? [])]),
      previousWindowMs: options.rotation?.previousWindowMs ?? options.refresh?.ttlMs ?? DEFAULTS.refresh.ttlMs,
    }),
    fileCache: options.fileCache?.key
      ? withHiddenSecret(
          { path: resolve(options.fileCache.path ?? DEFAULTS.fileCache.path), maxAgeMs: options.fileCache.maxAgeMs ?? DEFAULTS.fileCache.maxAgeMs },
          'key',
          parseCacheKey(options.fileCache.key),
        )
      : undefined,
    schema: options.schema,
    metrics: Object.freeze({
      enabled: options.metrics?.enabled,
      prefix: options.metrics?.prefix ?? DEFAULTS.metricsPrefix,
      registry: options.metrics?.registry,
    }),
    dotenvFallback: Object.freeze({
      enabled: options.dotenvFallback?.enabled ?? env.NODE_ENV !== 'production',
      paths: Object.freeze([...(options.dotenvFallback?.paths ?? DEFAULTS.dotenvPaths)]),
    }),
    caCertificates: Object.freeze(ca.certificates),
    fleet: options.fleet
      ? withHiddenSecret(
          { redis: options.fleet.redis, leaseMs: options.fleet.leaseMs ?? DEFAULTS.fleetLeaseMs },
          'key',
          parseCacheKey((options.fleet.key ?? options.fileCache?.key) as string),
        )
      : undefined,
  });
}
