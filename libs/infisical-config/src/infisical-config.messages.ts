// Every user-facing message of the library, in one place. None of them takes a secret value.

export const INVALID_OPTIONS = (problems: readonly string[]) =>
  `Invalid InfisicalConfigModule options (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
  problems.map((problem) => `  - ${problem}`).join('\n');

export const OPTIONS_TIMEOUT = (ms: number) =>
  `InfisicalConfigModule: the forRootAsync() options factory did not return within ${ms} ms. ` +
  `If it (or a provider it injects) depends on the app-wide ConfigService, it waits for the very secrets it ` +
  `is meant to load. Inject ConfigService directly in forRootAsync's "inject" (you get a bootstrap ` +
  `ConfigService that reads your .env files and process.env), or read process.env in the factory.`;

export const STARTUP_TIMEOUT = (ms: number, siteUrl: string) =>
  `InfisicalConfigModule: loading secrets from ${siteUrl} did not finish within ${ms} ms ` +
  `(startupTimeoutMs). Check that the site URL is reachable from this host.`;

export const REFRESH_TIMEOUT = (ms: number) => `no answer within ${ms} ms (refresh.timeoutMs)`;

export const LOAD_FAILED = (siteUrl: string, projectId: string, step: string, cause: string, remedy: string) =>
  `InfisicalConfigModule: could not load secrets from ${siteUrl} (project ${projectId}): ${step} failed: ` +
  `${cause}. ${remedy}`;

export const MISSING_KEY = (key: string) =>
  `Configuration key "${key}" is not set in Infisical (nor by the fallback in use).`;

export const REFRESH_FAILED = (reason: string, latencyMs: number, failures: number) =>
  `Refresh from Infisical failed after ${latencyMs} ms (${failures} in a row): ${reason}. ` +
  `Serving the last good values; retrying with backoff.`;

export const REFRESH_REFUSED = (reason: string) =>
  `Refresh from Infisical not applied: ${reason}. Serving the last good values. ` +
  `If this is intended, set refresh.acceptMassDeletion (or raise refresh.maxRemovedShare).`;

export const REFRESH_REFUSED_INVALID = (validation: string) =>
  `Refresh from Infisical not applied: ${validation} Serving the last good values.`;

export const TOKEN_RENEWAL_FAILED = (reason: string, retryInMs: number) =>
  `Could not renew or replace the Infisical access token: ${reason}. Next attempt in ${Math.round(retryInMs / 1000)} s.`;

export const EMPTY_SCOPE = (environment: string, secretPath: string) =>
  `scope ${environment}:${secretPath} returned no secrets (Infisical answers an unknown environment or path with an empty list)`;

export const EMPTY_SCOPE_REMEDY =
  'Check the environment slug (INFISICAL_ENVIRONMENT) and the secret path; if the folder is empty on purpose, set allowEmpty: true on that scope.';

export const KEY_SKIPPED = (key: string, reason: string) => `Secret key ${key} skipped: ${reason}`;

export const KEYS_OVERRIDDEN = (keys: readonly string[]) =>
  `Keys defined in several scopes, the later scope wins (documented precedence): ${keys.join(', ')}`;

export const VALUES_OVERSIZED = (keys: readonly string[]) =>
  `Unusually large values (over 64 KiB) kept for: ${keys.join(', ')}. Check that they are meant to be configuration.`;

export const UNSUPPORTED_CONFIG_MODULE =
  'InfisicalConfigModule: this version of @nestjs/config registers load factories differently than the one this ' +
  'library supports (12.x); ConfigService could not wait for the secrets. Install @nestjs/config 12.';

export const REGISTERED_TWICE =
  'InfisicalConfigModule is registered more than once in this app. Register it once, in AppModule (it is ' +
  'global by default), and do not register ConfigModule.forRoot() next to it.';

export const REFRESH_CRASHED = (stage: string, errorClass: string) =>
  `Refresh from Infisical failed: unexpected ${errorClass} in ${stage} (its message is not logged: it may quote a value). ` +
  `Serving the last good values; the next refresh is scheduled.`;

export const SUBSCRIBER_FAILED = (errorClass: string) =>
  `A subscriber of InfisicalConfigService.changes$ or watch() threw ${errorClass} (its message is not logged: it ` +
  `may quote a value). The refresh was applied; handle errors inside the subscriber.`;

export const TIMER_FAILED = (timer: string, errorClass: string) => `Unexpected ${errorClass} in ${timer}; it is scheduled again.`;

export const PROCESS_ENV_WITHHELD = (keys: readonly string[]) =>
  `Not written to process.env because they control the Node process or its connections: ${keys.join(', ')}. ` +
  `They are served through ConfigService and InfisicalConfigService. To write one, list it in allowProcessEnvKeys.`;

export const SCHEMA_THREW = (errorClass: string) => `a @Transform or @Type of the schema threw ${errorClass}`;

export const BOOT_REFUSED_INVALID = (validation: string) =>
  `Values loaded from Infisical not used: ${validation} Trying the file cache of the last good values.`;

export const SHUTTING_DOWN = 'the app is shutting down';

export const FLEET_PEER_MISSING = 'Fleet mode needs ioredis, an optional peer dependency: npm install ioredis';

export const FLEET_ROLE = (role: string) =>
  role === 'leader'
    ? 'Fleet: this replica is the leader; it fetches from Infisical for the fleet'
    : role === 'follower'
      ? 'Fleet: this replica follows; it applies the snapshots the leader stores in Redis'
      : 'Fleet: Redis unreachable; this replica fetches from Infisical on its own until Redis is back';

export const FLEET_REDIS_DOWN = 'Fleet: Redis is unreachable; working without the fleet (polling Infisical with jitter) until it is back';

export const FLEET_REDIS_BACK = 'Fleet: Redis is reachable';

export const FLEET_SNAPSHOT_UNUSABLE = (why: string) => `Fleet: ${why}; fetching from Infisical directly this time`;

export const AWS_REGION_MISSING = 'no AWS region: set AWS_REGION (or auth.region) for AWS IAM auth';

export const AWS_PEERS_MISSING =
  'AWS IAM auth needs the optional peers @aws-sdk/credential-provider-node, @smithy/signature-v4, ' +
  '@smithy/protocol-http and @aws-crypto/sha256-js: npm install them';

export const PROBE_TIMED_OUT = (ms: number) => `no answer within ${ms} ms`;

export const PROBE_FAILED = (probe: string, keys: readonly string[], why: string) =>
  `rotation probe ${probe} (${keys.join(', ')}) failed: ${why}`;

export const REFRESH_REFUSED_PROBE = (reason: string) =>
  `Refresh from Infisical not applied: ${reason}. Serving the last good values; trying again on the retry backoff, ` +
  `so the new values are taken as soon as they work.`;

export const CACHE_WRITE_FAILED = (reason: string) =>
  `Could not write the secrets file cache: ${reason} The app keeps serving; the next boot without Infisical ` +
  `will not find a fresh cache.`;

export const FALLBACK_USED = (source: string, count: number, why: string, age: string, remedy: string | undefined) =>
  `Infisical unavailable (${why}). Serving ${count} secrets from the ${source}${age}; ` +
  `will switch to live values as soon as Infisical answers.${remedy ? ` ${remedy}` : ''}`;

export const DOTENV_ONLY_BOOTSTRAP = (paths: readonly string[]) =>
  `${paths.join(', ')} hold only the module's own INFISICAL_* variables, no app configuration`;

export const FALLBACK_FAILS_SCHEMA = (keys: readonly string[]) => `does not pass the schema (${keys.join(', ')})`;

export const FALLBACK_SKIPPED = (source: string, why: string) => `Fallback ${source} not usable: ${why}`;

export const NOTHING_TO_SERVE = (attempts: readonly string[], production: boolean, validation?: string) =>
  (validation
    ? `InfisicalConfigModule: the values loaded from Infisical do not pass the schema, and no last good cache can stand in.\n${validation}\nTried, in order:\n`
    : `InfisicalConfigModule: no secrets to serve. Tried, in order:\n`) +
  attempts.map((attempt) => `  - ${attempt}`).join('\n') +
  (validation
    ? ''
    : `\nFix the Infisical connection, or configure a fallback: fileCache.key (INFISICAL_CACHE_KEY) with a cache ` +
      `written by an earlier successful boot` +
      (production ? `, or dotenvFallback.enabled: true (off by default in production).` : `, or a .env file.`));

export const RECOVERED = (previous: string) => `Infisical is reachable again: switched from the ${previous} to live values`;

export const METRICS_UNAVAILABLE =
  'Metrics are off: prom-client is not installed. Run `npm install prom-client` to enable them ' +
  '(or set metrics.enabled: false to silence this).';
