import type { InfisicalRefreshOptions, InfisicalScope, ProcessEnvMode, UniversalAuthCredentials } from '../infisical-config.options.js';

/** Options after defaults and validation: what the rest of the library works with. */
export interface ResolvedInfisicalOptions {
  /** Without a trailing slash. */
  readonly siteUrl: string;
  readonly projectId: string;
  readonly scopes: readonly Readonly<Required<InfisicalScope>>[];
  readonly auth: Readonly<UniversalAuthCredentials>;
  readonly processEnv: ProcessEnvMode;
  readonly expandSecretReferences: boolean;
  readonly startupTimeoutMs: number;
  readonly refresh: Readonly<Required<InfisicalRefreshOptions>>;
}
