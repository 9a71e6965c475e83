import { readFile } from 'node:fs/promises';
import type { ResolvedAuth } from '../options/resolve-auth.js';
import { signAwsIamLogin } from './aws-iam.signer.js';
import { CredentialsUnavailableError } from './credentials-unavailable.error.js';

/** A login request for Infisical: the route of the auth method and what it is sent. */
export interface LoginRequest {
  readonly path: string;
  readonly body: object;
}

async function readToken(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new CredentialsUnavailableError(`cannot read the ${what} at ${path} (${code})`);
  }
  const token = text.trim();
  if (token === '') throw new CredentialsUnavailableError(`the ${what} at ${path} is empty`);
  return token;
}

/**
 * The login request of a workload or client-secret auth method, built at each login: a token file is
 * re-read every time (kubelet and CI systems rotate them). The access-token method has no login request.
 */
export async function loginRequestFor(auth: Exclude<ResolvedAuth, { method: 'access-token' }>): Promise<LoginRequest> {
  switch (auth.method) {
    case 'universal-auth':
      return { path: '/api/v1/auth/universal-auth/login', body: { clientId: auth.clientId, clientSecret: auth.clientSecret } };
    case 'kubernetes':
      return {
        path: '/api/v1/auth/kubernetes-auth/login',
        body: { identityId: auth.identityId, jwt: await readToken(auth.serviceAccountTokenPath, 'service-account token') },
      };
    case 'oidc':
    case 'jwt': {
      const jwt = auth.token ?? (await readToken(auth.tokenPath as string, `${auth.method === 'oidc' ? 'OIDC' : 'JWT'} token`));
      return { path: auth.method === 'oidc' ? '/api/v1/auth/oidc-auth/login' : '/api/v1/auth/jwt-auth/login', body: { identityId: auth.identityId, jwt } };
    }
    case 'aws-iam':
      return { path: '/api/v1/auth/aws-auth/login', body: { identityId: auth.identityId, ...(await signAwsIamLogin(auth.region)) } };
  }
}
