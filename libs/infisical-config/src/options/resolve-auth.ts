import type { InfisicalAuthMethod, InfisicalAuthOptions } from '../infisical-config.options.js';

/** The default location of a pod's service-account token. */
export const KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export const AUTH_METHODS: readonly InfisicalAuthMethod[] = ['universal-auth', 'kubernetes', 'aws-iam', 'oidc', 'jwt', 'access-token'];

/** The auth options after validation; every secret in them is a non-enumerable property. */
export type ResolvedAuth =
  | { readonly method: 'universal-auth'; readonly clientId: string; readonly clientSecret: string }
  | { readonly method: 'kubernetes'; readonly identityId: string; readonly serviceAccountTokenPath: string }
  | { readonly method: 'aws-iam'; readonly identityId: string; readonly region: string | undefined }
  | { readonly method: 'oidc' | 'jwt'; readonly identityId: string; readonly token: string | undefined; readonly tokenPath: string | undefined }
  | { readonly method: 'access-token'; readonly accessToken: string };

/** Display names of the auth fields in problem messages (`infisicalOptionsFromEnv` passes variable names). */
export interface AuthLabels {
  method: string;
  clientId: string;
  clientSecret: string;
  identityId: string;
  token: string;
  accessToken: string;
}

export const AUTH_FIELD_LABELS: AuthLabels = {
  method: 'auth.method',
  clientId: 'auth.clientId',
  clientSecret: 'auth.clientSecret',
  identityId: 'auth.identityId',
  token: 'auth.token or auth.tokenPath',
  accessToken: 'auth.accessToken',
};

const isBlank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** Every problem of the auth options; never includes a secret. */
export function authProblems(auth: Partial<InfisicalAuthOptions> | undefined, labels: AuthLabels): string[] {
  const method = auth?.method ?? 'universal-auth';
  if (!AUTH_METHODS.includes(method)) return [`${labels.method} must be one of ${AUTH_METHODS.join(', ')}`];
  const field = (name: string) => (auth as Record<string, unknown> | undefined)?.[name];
  const problems: string[] = [];
  const identity = () => {
    if (isBlank(field('identityId'))) problems.push(`${labels.identityId} is not set: the machine identity's id (Access control → Identities), for ${method} auth`);
  };
  switch (method) {
    case 'universal-auth':
      if (isBlank(field('clientId'))) problems.push(`${labels.clientId} is not set: the machine identity's Universal Auth client id`);
      if (isBlank(field('clientSecret'))) problems.push(`${labels.clientSecret} is not set: the machine identity's Universal Auth client secret`);
      break;
    case 'kubernetes':
    case 'aws-iam':
      identity();
      break;
    case 'oidc':
    case 'jwt':
      identity();
      if (isBlank(field('token')) === isBlank(field('tokenPath'))) problems.push(`set exactly one of ${labels.token}: the token your CI or issuer gives this workload`);
      break;
    case 'access-token':
      if (isBlank(field('accessToken'))) problems.push(`${labels.accessToken} is not set: an Infisical access token`);
      break;
  }
  return problems;
}

/** Freezes `object` with the secret fields non-enumerable: absent from JSON.stringify, inspect and spreads. */
function withHidden<T extends object>(object: T, secrets: Record<string, unknown>): T {
  for (const [name, value] of Object.entries(secrets)) Object.defineProperty(object, name, { value, enumerable: false });
  return Object.freeze(object);
}

const trimmed = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** The auth options with defaults; call after {@link authProblems} found nothing. */
export function resolveAuth(auth: InfisicalAuthOptions, env: NodeJS.ProcessEnv): ResolvedAuth {
  switch (auth.method ?? 'universal-auth') {
    case 'kubernetes': {
      const { identityId, serviceAccountTokenPath } = auth as Extract<InfisicalAuthOptions, { method: 'kubernetes' }>;
      return Object.freeze({ method: 'kubernetes', identityId: identityId.trim(), serviceAccountTokenPath: trimmed(serviceAccountTokenPath) ?? KUBERNETES_TOKEN_PATH });
    }
    case 'aws-iam': {
      const { identityId, region } = auth as Extract<InfisicalAuthOptions, { method: 'aws-iam' }>;
      return Object.freeze({ method: 'aws-iam', identityId: identityId.trim(), region: trimmed(region) ?? trimmed(env.AWS_REGION) ?? trimmed(env.AWS_DEFAULT_REGION) });
    }
    case 'oidc':
    case 'jwt': {
      const { method, identityId, token, tokenPath } = auth as Extract<InfisicalAuthOptions, { method: 'oidc' | 'jwt' }>;
      return withHidden({ method, identityId: identityId.trim(), tokenPath: trimmed(tokenPath) } as ResolvedAuth, { token: trimmed(token) });
    }
    case 'access-token':
      return withHidden({ method: 'access-token' } as ResolvedAuth, { accessToken: (auth as { accessToken: string }).accessToken.trim() });
    default: {
      const { clientId, clientSecret } = auth as Extract<InfisicalAuthOptions, { clientId: string }>;
      return withHidden({ method: 'universal-auth', clientId: clientId.trim() } as ResolvedAuth, { clientSecret });
    }
  }
}

/** The secret an auth method holds (to redact it should a server echo it, and to key the fingerprint). */
export function authSecretOf(auth: ResolvedAuth): string | undefined {
  switch (auth.method) {
    case 'universal-auth':
      return auth.clientSecret;
    case 'access-token':
      return auth.accessToken;
    case 'oidc':
    case 'jwt':
      return auth.token;
    default:
      return undefined;
  }
}
