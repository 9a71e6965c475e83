/** Injection token of the resolved {@link InfisicalConfigModuleOptions}. */
export const INFISICAL_CONFIG_OPTIONS = Symbol('INFISICAL_CONFIG_OPTIONS');

/** @internal Injection token of the metrics recorder (prom-client or nothing). */
export const INFISICAL_METRICS = Symbol('INFISICAL_METRICS');

/** The five environment variables that bootstrap the module. */
export const BOOTSTRAP_VARIABLES = {
  siteUrl: 'INFISICAL_SITE_URL',
  projectId: 'INFISICAL_PROJECT_ID',
  environment: 'INFISICAL_ENVIRONMENT',
  clientId: 'INFISICAL_CLIENT_ID',
  clientSecret: 'INFISICAL_CLIENT_SECRET',
} as const;

/** The variables of the auth methods other than Universal Auth (`INFISICAL_AUTH_METHOD` chooses one). */
export const AUTH_VARIABLES = {
  method: 'INFISICAL_AUTH_METHOD',
  identityId: 'INFISICAL_IDENTITY_ID',
  kubernetesTokenPath: 'INFISICAL_KUBERNETES_TOKEN_PATH',
  jwt: 'INFISICAL_JWT',
  jwtPath: 'INFISICAL_JWT_PATH',
  accessToken: 'INFISICAL_ACCESS_TOKEN',
} as const;

/** Optional: the key of the encrypted file cache. */
export const CACHE_KEY_VARIABLE = 'INFISICAL_CACHE_KEY';

/** Defaults, in one place (see the README's defaults table). */
export const DEFAULTS = {
  secretPath: '/',
  recursive: false,
  includeImports: true,
  expandSecretReferences: true,
  processEnv: 'override',
  startupTimeoutMs: 10_000,
  routineLogLevel: 'debug',
  /** Per request the library makes itself (login, renew), like the SDK's own timeout. */
  requestTimeoutMs: 10_000,
  optionsTimeoutMs: 10_000,
  isGlobal: true,
  fileCache: { path: '.infisical-cache/secrets.enc', maxAgeMs: 7 * 24 * 60 * 60 * 1000 },
  dotenvPaths: ['.env.local', '.env'],
  metricsPrefix: 'infisical_config_',
  fleetLeaseMs: 10_000,
  refresh: {
    enabled: true,
    ttlMs: 300_000,
    timeoutMs: 10_000,
    refreshAt: 0.8,
    jitter: 0.1,
    retryBaseMs: 2_000,
    retryMaxMs: 60_000,
    maxRemovedShare: 0.5,
    acceptMassDeletion: false,
  },
} as const;
