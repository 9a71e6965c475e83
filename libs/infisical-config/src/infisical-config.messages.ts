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

export const LOAD_FAILED = (siteUrl: string, projectId: string, step: string, cause: string, remedy: string) =>
  `InfisicalConfigModule: could not load secrets from ${siteUrl} (project ${projectId}): ${step} failed: ` +
  `${cause}. ${remedy}`;

export const LOADED = (count: number, scopes: string, latencyMs: number) =>
  `Loaded ${count} secret${count === 1 ? '' : 's'} from Infisical (${scopes}) in ${latencyMs} ms`;

export const MISSING_KEY = (key: string) =>
  `Configuration key "${key}" is not set in Infisical (nor by the fallback in use).`;
