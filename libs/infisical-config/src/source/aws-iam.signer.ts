import { AWS_PEERS_MISSING, AWS_REGION_MISSING } from '../infisical-config.messages.js';
import { CredentialsUnavailableError } from './credentials-unavailable.error.js';

/** What Infisical's AWS auth route takes: a signed STS GetCallerIdentity request, base64-encoded. */
export interface SignedAwsIamLogin {
  readonly iamHttpRequestMethod: 'POST';
  readonly iamRequestBody: string;
  readonly iamRequestHeaders: string;
}

const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/**
 * Signs an STS GetCallerIdentity request with the AWS default credential chain (environment, web identity,
 * ECS and EC2 roles), which Infisical sends to AWS to learn who the caller is. The AWS libraries are
 * optional peers, loaded only for this auth method.
 */
export async function signAwsIamLogin(region: string | undefined): Promise<SignedAwsIamLogin> {
  if (!region) throw new CredentialsUnavailableError(AWS_REGION_MISSING);
  let libraries;
  try {
    const [{ defaultProvider }, { SignatureV4 }, { HttpRequest }, { Sha256 }] = await Promise.all([
      import('@aws-sdk/credential-provider-node'),
      import('@smithy/signature-v4'),
      import('@smithy/protocol-http'),
      import('@aws-crypto/sha256-js'),
    ]);
    libraries = { defaultProvider, SignatureV4, HttpRequest, Sha256 };
  } catch {
    throw new CredentialsUnavailableError(AWS_PEERS_MISSING);
  }
  let credentials;
  try {
    credentials = await libraries.defaultProvider()();
  } catch (error) {
    throw new CredentialsUnavailableError(`no AWS credentials found by the default chain (${(error as Error).name})`);
  }
  const host = `sts.${region}.amazonaws.com`;
  const request = new libraries.HttpRequest({
    protocol: 'https:',
    hostname: host,
    path: '/',
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Host: host, 'Content-Length': String(Buffer.byteLength(STS_BODY)) },
    body: STS_BODY,
  });
  const signed = await new libraries.SignatureV4({ credentials, region, service: 'sts', sha256: libraries.Sha256 }).sign(request);
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase() === 'authorization' ? 'Authorization' : name, String(value)]),
  );
  return {
    iamHttpRequestMethod: 'POST',
    iamRequestBody: Buffer.from(STS_BODY).toString('base64'),
    iamRequestHeaders: Buffer.from(JSON.stringify(headers)).toString('base64'),
  };
}
