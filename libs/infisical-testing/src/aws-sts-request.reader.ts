import { awsLoginInternalError, invalidAwsRegion } from './infisical-error.replies.js';

/** What an AWS Auth login body carries, as `@infisical/sdk` encodes it. */
export interface AwsLoginFields {
  /** the signed request's method; upstream defaults it to POST */
  iamHttpRequestMethod: string;
  /** base64 of the form body `Action=GetCallerIdentity&Version=2011-06-15` */
  iamRequestBody: string;
  /** base64 of the JSON object of the signed request's headers */
  iamRequestHeaders: string;
}

/** What the local server learns from a well-formed signed GetCallerIdentity request. */
export interface SignedStsRequest {
  accessKeyId: string;
  region: string;
}

/** STS answers a request signed more than 15 minutes away from its own clock with "Signature expired". */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/sts\/aws4_request,\s*SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*),\s*Signature=[0-9a-f]{64}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Upstream reads the region from the credential scope: `Credential=<key>/<date>/<region>/sts/aws4_request`. */
function regionOf(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const credential = authorization.split(' ').find((field) => field.startsWith('Credential='));
  const region = credential?.split('/')[2];
  return region !== undefined && region.length > 0 && region.length <= 20 && /^[a-z0-9-]+$/.test(region) ? region : undefined;
}

function headerNamed(headers: Record<string, unknown>, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

function amzDateMs(value: string): number | undefined {
  const parts = AMZ_DATE.exec(value);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * Reads the signed STS GetCallerIdentity request of an AWS Auth login in upstream's order: headers
 * (base64 JSON), the region from the `Authorization` credential scope (400 "Invalid AWS region"), then what
 * STS itself would refuse (the method, the body, the `Authorization` shape, `X-Amz-Date` within 15 minutes
 * of `now`, the signed headers, `Host` = `sts.<region>.amazonaws.com`: the endpoint upstream calls).
 * The signature is NOT verified: this server has no AWS secret.
 */
export function readSignedStsRequest(fields: AwsLoginFields, now: number): SignedStsRequest {
  let headers: unknown;
  try {
    headers = JSON.parse(Buffer.from(fields.iamRequestHeaders, 'base64').toString('utf8'));
  } catch {
    throw awsLoginInternalError('iamRequestHeaders is not base64-encoded JSON');
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw awsLoginInternalError('iamRequestHeaders is not a JSON object');
  }
  const record = headers as Record<string, unknown>;
  // upstream looks at exactly these two spellings
  const authorization = record.Authorization ?? record.authorization;
  const region = regionOf(authorization);
  if (region === undefined) throw invalidAwsRegion();

  if (fields.iamHttpRequestMethod.toUpperCase() !== 'POST') throw awsLoginInternalError('STS: the signed request is not a POST');
  const body = new URLSearchParams(Buffer.from(fields.iamRequestBody, 'base64').toString('utf8'));
  const keys = [...body.keys()].sort();
  if (keys.join('&') !== 'Action&Version' || body.get('Action') !== 'GetCallerIdentity' || body.get('Version') !== '2011-06-15') {
    throw awsLoginInternalError('STS: the body is not Action=GetCallerIdentity&Version=2011-06-15');
  }
  const credential = AUTHORIZATION.exec(authorization as string);
  if (!credential) throw awsLoginInternalError('STS: Authorization is not an AWS4-HMAC-SHA256 sts credential');
  const [, accessKeyId, credentialDate, , signedHeaderList] = credential as unknown as [string, string, string, string, string];
  const amzDate = headerNamed(record, 'x-amz-date');
  const signedAt = amzDate === undefined ? undefined : amzDateMs(amzDate);
  if (amzDate === undefined || signedAt === undefined) throw awsLoginInternalError('STS: no valid X-Amz-Date header');
  if (!amzDate.startsWith(credentialDate)) throw awsLoginInternalError('STS: X-Amz-Date is not the credential date');
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) throw awsLoginInternalError('STS: signature expired (X-Amz-Date more than 15 minutes away)');
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    throw awsLoginInternalError('STS: SignedHeaders must include host and x-amz-date');
  }
  if (signedHeaders.some((name) => headerNamed(record, name) === undefined)) {
    throw awsLoginInternalError('STS: a signed header is missing from iamRequestHeaders');
  }
  if (headerNamed(record, 'host') !== `sts.${region}.amazonaws.com`) {
    throw awsLoginInternalError('STS: Host is not the regional STS endpoint of the credential');
  }
  return { accessKeyId, region };
}
