import type { InfisicalRefreshOptions, InfisicalScope, ProcessEnvMode } from '../infisical-config.options.js';
import type { ResolvedAuth } from './resolve-auth.js';

/** Options after defaults and validation: what the rest of the library works with. */
export interface ResolvedInfisicalOptions {
  /** Without a trailing slash. */
  readonly siteUrl: string;
  readonly projectId: string;
  readonly scopes: readonly Readonly<Required<InfisicalScope>>[];
  readonly auth: ResolvedAuth;
  readonly processEnv: ProcessEnvMode;
  readonly allowProcessEnvKeys: readonly string[];
  readonly expandSecretReferences: boolean;
  readonly startupTimeoutMs: number;
  readonly routineLogLevel: 'log' | 'debug' | 'verbose';
  readonly refresh: Readonly<Required<InfisicalRefreshOptions>>;
  readonly rotation: { readonly keepPrevious: readonly string[]; readonly previousWindowMs: number };
  /** Undefined when no key is given. */
  readonly fileCache: { readonly key: Buffer; readonly path: string; readonly maxAgeMs: number } | undefined;
  readonly schema: (new () => object) | undefined;
  readonly metrics: { readonly enabled: boolean | undefined; readonly prefix: string; readonly registry: unknown };
  readonly dotenvFallback: { readonly enabled: boolean; readonly paths: readonly string[] };
  /** Undefined when fleet mode is off. */
  readonly fleet: { readonly redis: string | Record<string, unknown>; readonly key: Buffer; readonly leaseMs: number } | undefined;
  /** PEM text of the extra CA certificates (files already read). */
  readonly caCertificates: readonly string[];
}
