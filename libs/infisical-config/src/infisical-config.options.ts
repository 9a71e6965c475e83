import type { ConfigModuleOptions } from '@nestjs/config';

/** One place to load secrets from: an environment and a folder of the project. */
export interface InfisicalScope {
  /** Environment slug as shown in Infisical (`dev`, `server`, `workspace`). */
  environment: string;
  /**
   * Folder to load, absolute.
   * @default '/'
   */
  secretPath?: string;
  /**
   * Also load every sub-folder of `secretPath`.
   * @default false
   */
  recursive?: boolean;
  /**
   * Also load the folder's secret imports (the folder's own values win over imported ones).
   * @default true
   */
  includeImports?: boolean;
  /**
   * Accept a scope that comes back empty at boot. Infisical answers an unknown environment or path with
   * an empty list, not an error, so an empty scope fails the load unless it is empty on purpose.
   * @default false
   */
  allowEmpty?: boolean;
}

/**
 * How loaded secrets reach `process.env`:
 * - `override`: set every key, replacing what the environment or a `.env` file had (Infisical is the
 *   source of truth, and `process.env` agrees with `ConfigService`);
 * - `preserve`: set only keys that are not already defined (`ConfigService` still returns Infisical's value);
 * - `skip`: never touch `process.env` (read values through `ConfigService` or `InfisicalConfigService`).
 */
export type ProcessEnvMode = 'override' | 'preserve' | 'skip';

/** Universal Auth credentials of a machine identity (a long-lived client secret). */
export interface UniversalAuthCredentials {
  /** @default 'universal-auth' */
  method?: 'universal-auth';
  clientId: string;
  /** Never logged, never part of an error message. */
  clientSecret: string;
}

/**
 * Kubernetes auth: the pod's service-account token, re-read from its file at every login (kubelet rotates
 * it). Infisical checks it with the cluster's TokenReview API.
 */
export interface KubernetesAuthCredentials {
  method: 'kubernetes';
  /** The machine identity's id (Access control → Identities). */
  identityId: string;
  /** @default '/var/run/secrets/kubernetes.io/serviceaccount/token' */
  serviceAccountTokenPath?: string;
}

/**
 * AWS IAM auth: a signed STS GetCallerIdentity request made with the credentials of the AWS default
 * chain (environment, web identity, ECS/EC2 roles). Needs the optional peers `@aws-sdk/credential-provider-node`,
 * `@smithy/signature-v4`, `@smithy/protocol-http` and `@aws-crypto/sha256-js`.
 */
export interface AwsIamAuthCredentials {
  method: 'aws-iam';
  identityId: string;
  /** @default `AWS_REGION`, else `AWS_DEFAULT_REGION` */
  region?: string;
}

/**
 * OIDC auth (`oidc`, checked against the issuer's discovery and keys) or JWT auth (`jwt`, static keys or a
 * JWKS URL): a token from a CI system or another issuer, given as is or read from a file at every login.
 */
export interface JwtAuthCredentials {
  method: 'oidc' | 'jwt';
  identityId: string;
  /** The token itself (never logged). One of `token` and `tokenPath`. */
  token?: string;
  /** A file holding the token, re-read at every login (for tokens that are rotated on disk). */
  tokenPath?: string;
}

/** A plain access token, obtained elsewhere: no login; renewed while Infisical allows it. */
export interface AccessTokenCredentials {
  method: 'access-token';
  /** Never logged. */
  accessToken: string;
}

/** How the machine identity logs in; Universal Auth when `method` is not given. */
export type InfisicalAuthOptions = UniversalAuthCredentials | KubernetesAuthCredentials | AwsIamAuthCredentials | JwtAuthCredentials | AccessTokenCredentials;

/** The auth methods, by the name `method` and `INFISICAL_AUTH_METHOD` use. */
export type InfisicalAuthMethod = NonNullable<InfisicalAuthOptions['method']>;

/** How loaded values are kept current. */
export interface InfisicalRefreshOptions {
  /**
   * Refresh on a schedule. Off, the values stay as loaded at boot unless `refresh()` is called.
   * @default true
   */
  enabled?: boolean;
  /**
   * How long loaded values count as current (the cache TTL).
   * @default 300000 (5 minutes)
   */
  ttlMs?: number;
  /**
   * Share of the TTL after which the scheduled refresh runs, so values are replaced before they expire.
   * @default 0.8
   */
  refreshAt?: number;
  /**
   * Random spread of each refresh time, as a share (0.1 = +-10%), so a fleet does not refresh in lockstep.
   * @default 0.1
   */
  jitter?: number;
  /**
   * Longest time one refresh may take; a slower one counts as failed and its late answer is dropped.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * First wait after a failed refresh; doubles per failure in a row, with jitter.
   * @default 2000
   */
  retryBaseMs?: number;
  /**
   * Longest wait between retries after failures.
   * @default 60000
   */
  retryMaxMs?: number;
  /**
   * A refresh that would remove more than this share of the keys is refused and the last good values
   * stay (one that removes every key is always refused unless `acceptMassDeletion`).
   * @default 0.5
   */
  maxRemovedShare?: number;
  /**
   * Apply refreshes that remove most or all keys.
   * @default false
   */
  acceptMassDeletion?: boolean;
}

/** Rotation without breakage (see also `@RotationProbe()`). */
export interface InfisicalRotationOptions {
  /**
   * Keys whose previous value stays available through `InfisicalConfigService.previous(key)` for
   * `previousWindowMs` after a rotation replaced it (a JWT secret: tokens signed with either verify).
   * In memory only.
   * @default []
   */
  keepPrevious?: string[];
  /**
   * How long a replaced value stays available.
   * @default the TTL (`refresh.ttlMs`)
   */
  previousWindowMs?: number;
}

/**
 * Fleet mode: replicas share one fetch through Redis (ioredis, an optional peer dependency). One replica
 * at a time holds a lease and fetches from Infisical; it stores the snapshot encrypted in Redis and every
 * replica applies it through the same guarded path as a refresh.
 */
export interface InfisicalFleetOptions {
  /** A Redis URL (`redis://127.0.0.1:6379/0`) or ioredis options. */
  redis: string | Record<string, unknown>;
  /**
   * 32 random bytes, base64 or hex, shared by the replicas: the snapshot in Redis is encrypted with it.
   * @default fileCache.key
   */
  key?: string;
  /**
   * How long the leader's lease lasts without renewal: a dead leader is replaced within this time.
   * @default 10000
   */
  leaseMs?: number;
}

/** Prometheus metrics (prom-client is an optional peer dependency). */
export interface InfisicalMetricsOptions {
  /**
   * On when prom-client is installed; `true` makes its absence a boot error, `false` turns metrics off.
   * @default on if prom-client can be imported
   */
  enabled?: boolean;
  /**
   * Prefix of every metric name.
   * @default 'infisical_config_'
   */
  prefix?: string;
  /**
   * The prom-client `Registry` to register on.
   * @default prom-client's global `register`
   */
  registry?: unknown;
}

/** The encrypted file cache of the last good values, used at boot when Infisical cannot be reached. */
export interface InfisicalFileCacheOptions {
  /**
   * 32 random bytes, base64 or hex (`openssl rand -base64 32`), e.g. from `INFISICAL_CACHE_KEY`. Without a
   * key there is no file cache. Never logged.
   */
  key?: string;
  /**
   * Where the cache file lives (its directory is created with mode 0700).
   * @default '.infisical-cache/secrets.enc' in the working directory
   */
  path?: string;
  /**
   * A cache older than this is refused.
   * @default 604800000 (7 days)
   */
  maxAgeMs?: number;
}

/** The last fallback at boot: `.env` files. */
export interface InfisicalDotenvFallbackOptions {
  /**
   * Use `.env` files when neither Infisical nor the file cache can serve.
   * @default true outside production, false when NODE_ENV is 'production'
   */
  enabled?: boolean;
  /**
   * Files to read; for the same key an earlier file wins, as with `ConfigModule`'s `envFilePath`.
   * @default ['.env.local', '.env']
   */
  paths?: string[];
}

export interface InfisicalConfigModuleOptions {
  /** Base URL of the Infisical instance, e.g. `https://infisical.example.com` (no `/api`). */
  siteUrl: string;
  /** Project id (Project settings → Project ID). */
  projectId: string;
  /**
   * Where to load secrets from, merged in order: **a later scope wins** over an earlier one for the same
   * key (list shared values first, the app's own last).
   */
  scopes: InfisicalScope[];
  /** How the machine identity logs in (Universal Auth, Kubernetes, AWS IAM, OIDC/JWT, or an access token). */
  auth: InfisicalAuthOptions;
  /**
   * How loaded secrets reach `process.env`.
   * @default 'override'
   */
  processEnv?: ProcessEnvMode;
  /**
   * Keys that control the Node process or its connections (`NODE_OPTIONS`, `NODE_TLS_REJECT_UNAUTHORIZED`,
   * `NODE_EXTRA_CA_CERTS`, `PATH`, `LD_*`, `HTTP(S)_PROXY`, `NO_PROXY`, ...) are never written to
   * `process.env` from Infisical, so a secret cannot turn off TLS checks or inject code; they are still
   * served through `ConfigService`, with a warning. List here the ones Infisical may write.
   * @default []
   */
  allowProcessEnvKeys?: string[];
  /**
   * Let the server expand references such as `${DB_PASSWORD}` or `${prod.DB_HOST}`.
   * @default true
   */
  expandSecretReferences?: boolean;
  /**
   * Longest time the first load from Infisical may take before boot moves on to the fallbacks (file cache,
   * then `.env` files). A refused connection falls back at once.
   * @default 10000
   */
  startupTimeoutMs?: number;
  /** How loaded values are kept current (TTL, schedule, retries, mass-deletion guard). */
  refresh?: InfisicalRefreshOptions;
  /** Previous values kept for a grace window after a rotation. */
  rotation?: InfisicalRotationOptions;
  /** Fleet mode over Redis: one fetch for every replica (off unless given). */
  fleet?: InfisicalFleetOptions;
  /**
   * Level of the routine line a refresh that changed nothing writes (changes are always logged).
   * @default 'debug', so a healthy app's log stays quiet
   */
  routineLogLevel?: 'log' | 'debug' | 'verbose';
  /**
   * A class with class-validator decorators (install class-validator and class-transformer). The loaded
   * values, from Infisical or a fallback, must pass it at boot (else boot fails listing every bad key) and
   * on every refresh (else the refresh is refused and the last good values stay). Inject the typed result
   * with `@InjectInfisicalConfig()` as `TypedInfisicalConfig<YourSchema>`.
   */
  schema?: new () => object;
  /** Prometheus metrics through prom-client (an optional peer dependency). */
  metrics?: InfisicalMetricsOptions;
  /** Encrypted file cache of the last good values (on when a key is given). */
  fileCache?: InfisicalFileCacheOptions;
  /** `.env` files as the last fallback at boot (off in production unless enabled). */
  dotenvFallback?: InfisicalDotenvFallbackOptions;
  /**
   * Certificates of a private CA to trust for Infisical's HTTPS, in addition to Node's own: each entry is
   * PEM text or the path of a PEM file (read once, at boot). `NODE_EXTRA_CA_CERTS` keeps working.
   * @default []
   */
  caCertificates?: string[];
}

/** Options of the module itself, given next to the Infisical options in `forRoot`/`forRootAsync`. */
export interface InfisicalConfigModuleExtras {
  /**
   * Register `InfisicalConfigService` and `ConfigService` globally.
   * @default true, because every module of the app reads configuration.
   */
  isGlobal?: boolean;
  /**
   * Options of the `@nestjs/config` `ConfigModule` that this module registers for you (`envFilePath`,
   * `load`, `cache`, `expandVariables`, ...). Do not register `ConfigModule.forRoot()` yourself as well.
   * `isGlobal` follows the option above. `validate` is left out on purpose: `ConfigModule` runs it when
   * the decorator is evaluated, before any secret is loaded.
   * @default {}
   */
  configModule?: Omit<ConfigModuleOptions, 'isGlobal' | 'validate' | 'validationSchema' | 'validationOptions'>;
  /**
   * How long `forRootAsync` waits for your options factory before boot fails with an explanation.
   * An options factory that depends (directly or through another provider) on the app-wide
   * `ConfigService` would wait for the very secrets it is meant to load.
   * @default 10000
   */
  optionsTimeoutMs?: number;
}
