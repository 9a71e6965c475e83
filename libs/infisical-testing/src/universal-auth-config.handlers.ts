import { isIP } from 'node:net';
import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import {
  accessTokenTtlAboveMax,
  clientSecretNotFound,
  invalidTrustedIp,
  identityNotFoundForAuth,
  universalAuthAlreadyAttached,
  universalAuthMissing,
  universalAuthNotFound,
} from './infisical-error.replies.js';
import { ANYWHERE } from './identity-registry.js';
import type { RegisteredIdentity, TrustedIp, UniversalAuthConfig, UniversalAuthSettings } from './identity-registry.js';
import { clientSecretView, universalAuthView } from './management.views.js';
import { assertOrganizationPermission } from './organization-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { HandlerContext, InboundRequest, RouteHandler } from './route-handler.types.js';

/** Upstream's bound on every TTL: ten years, in seconds. */
const MAX_TTL_SECONDS = 315_360_000;
const TTL_BOUNDS = { integer: true, min: 0, max: MAX_TTL_SECONDS };
const TTL_REFINEMENT = 'Access Token TTL cannot be greater than Access Token Max TTL.';

/** `1.2.3.4/24` -> `{ipAddress: '1.2.3.4', type: 'ipv4', prefix: 24}`, as upstream stores a trusted range. */
function toTrustedIp(value: string): TrustedIp {
  const [address = '', prefixText, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) throw invalidTrustedIp();
  const type = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { ipAddress: address, type };
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) throw invalidTrustedIp();
  return { ipAddress: address, type, prefix };
}

/** `[{ipAddress}]` (at least one), checked like Zod; the addresses themselves are checked after the schema. */
function readTrustedIps(fields: RequestFieldsReader, field: string): string[] | undefined {
  const value = fields.value(field);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    fields.addIssue({ code: 'invalid_type', expected: 'array', received: value === null ? 'null' : typeof value, path: [field], message: `Expected array, received ${value === null ? 'null' : typeof value}` });
    return undefined;
  }
  if (value.length === 0) {
    fields.addIssue({ code: 'too_small', minimum: 1, type: 'array', inclusive: true, exact: false, path: [field], message: 'Array must contain at least 1 element(s)' });
    return undefined;
  }
  return value.map((entry: unknown, index) => {
    const address = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).ipAddress : undefined;
    if (typeof address === 'string') return address.trim();
    fields.addIssue({ code: 'invalid_type', expected: 'string', received: address === undefined ? 'undefined' : typeof address, path: [field, index, 'ipAddress'], message: address === undefined ? 'Required' : `Expected string, received ${typeof address}` });
    return '';
  });
}

/** The settings fields of attach (defaults filled by the caller) and update. */
function readSettings(fields: RequestFieldsReader) {
  return {
    accessTokenTTL: fields.optionalNumber('accessTokenTTL', TTL_BOUNDS),
    accessTokenMaxTTL: fields.optionalNumber('accessTokenMaxTTL', TTL_BOUNDS),
    accessTokenNumUsesLimit: fields.optionalNumber('accessTokenNumUsesLimit', { integer: true, min: 0 }),
    accessTokenTrustedIps: readTrustedIps(fields, 'accessTokenTrustedIps'),
    clientSecretTrustedIps: readTrustedIps(fields, 'clientSecretTrustedIps'),
  };
}

/** The Universal Auth routes look the identity up before any permission, and word the miss their own way. */
function requireIdentity(request: InboundRequest, context: HandlerContext): RegisteredIdentity {
  const identityId = (request.params.identityId ?? '').trim();
  const identity = context.identities.findById(identityId);
  if (!identity) throw identityNotFoundForAuth(identityId);
  return identity;
}

const configReply = (identity: RegisteredIdentity, config: UniversalAuthConfig, context: HandlerContext) =>
  jsonReply(200, { identityUniversalAuth: universalAuthView(identity, config, context.lockout.settings()) });

/** GET /api/v1/auth/universal-auth/identities/:identityId */
export const handleGetUniversalAuth: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const identity = requireIdentity(request, context);
  const config = identity.universalAuth;
  if (!config) throw universalAuthNotFound(identity.identityId);
  assertOrganizationPermission(context, caller, 'read', 'identity');
  return configReply(identity, config, context);
};

/**
 * POST /api/v1/auth/universal-auth/identities/:identityId {accessTokenTTL?, accessTokenMaxTTL?,
 * accessTokenNumUsesLimit?, accessTokenTrustedIps?, clientSecretTrustedIps?}: a new client id, no secret yet.
 */
export const handleAttachUniversalAuth: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const read = readSettings(body);
  const settings = {
    accessTokenTTL: read.accessTokenTTL ?? 2_592_000,
    accessTokenMaxTTL: read.accessTokenMaxTTL ?? 2_592_000,
    accessTokenNumUsesLimit: read.accessTokenNumUsesLimit ?? 0,
  };
  body.refine(settings.accessTokenTTL <= settings.accessTokenMaxTTL, TTL_REFINEMENT);
  body.finish();
  const identity = requireIdentity(request, context);
  if (identity.universalAuth) throw universalAuthAlreadyAttached();
  assertOrganizationPermission(context, caller, 'create', 'identity');

  const full: UniversalAuthSettings = {
    ...settings,
    accessTokenTrustedIps: read.accessTokenTrustedIps?.map(toTrustedIp) ?? [...ANYWHERE],
    clientSecretTrustedIps: read.clientSecretTrustedIps?.map(toTrustedIp) ?? [...ANYWHERE],
  };
  return configReply(identity, context.identities.attachUniversalAuth(identity, full), context);
};

/** PATCH /api/v1/auth/universal-auth/identities/:identityId: the fields given change; tokens already issued keep their TTLs. */
export const handleUpdateUniversalAuth: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const read = readSettings(body);
  // upstream's refinement compares only when both are given and non-zero
  body.refine(!read.accessTokenTTL || !read.accessTokenMaxTTL || read.accessTokenTTL <= read.accessTokenMaxTTL, TTL_REFINEMENT);
  body.finish();
  const identity = requireIdentity(request, context);
  const config = identity.universalAuth;
  if (!config) throw universalAuthNotFound(identity.identityId);
  // one TTL given: compared with the stored other one
  const ttl = read.accessTokenTTL ?? config.accessTokenTTL;
  const maxTtl = read.accessTokenMaxTTL ?? config.accessTokenMaxTTL;
  if (maxTtl > 0 && ttl > maxTtl) throw accessTokenTtlAboveMax();
  assertOrganizationPermission(context, caller, 'edit', 'identity');

  context.identities.updateUniversalAuth(config, {
    accessTokenTTL: read.accessTokenTTL,
    accessTokenMaxTTL: read.accessTokenMaxTTL,
    accessTokenNumUsesLimit: read.accessTokenNumUsesLimit,
    accessTokenTrustedIps: read.accessTokenTrustedIps?.map(toTrustedIp),
    clientSecretTrustedIps: read.clientSecretTrustedIps?.map(toTrustedIp),
  });
  return configReply(identity, config, context);
};

/**
 * POST /api/v1/auth/universal-auth/identities/:identityId/client-secrets {description?, numUsesLimit?, ttl?}:
 * the secret is in this reply only; an identity may have many, each logs in.
 */
export const handleCreateClientSecret: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const description = body.optionalText('description') ?? '';
  const numUsesLimit = body.optionalNumber('numUsesLimit', { min: 0 }) ?? 0;
  const ttlSeconds = body.optionalNumber('ttl', { min: 0, max: MAX_TTL_SECONDS }) ?? 0;
  body.finish();
  const identity = requireIdentity(request, context);
  const config = identity.universalAuth;
  if (!config) throw universalAuthMissing();
  assertOrganizationPermission(context, caller, 'create', 'identity');

  const { clientSecret, record } = context.identities.createClientSecret(config, { description, numUsesLimit, ttlSeconds });
  return jsonReply(200, { clientSecret, clientSecretData: clientSecretView(record, config) });
};

/** POST /api/v1/auth/universal-auth/identities/:identityId/client-secrets/:clientSecretId/revoke: it logs in no more. */
export const handleRevokeClientSecret: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const identity = requireIdentity(request, context);
  const config = identity.universalAuth;
  if (!config) throw universalAuthMissing();
  assertOrganizationPermission(context, caller, 'edit', 'identity');
  const record = context.identities.revokeClientSecret(config, request.params.clientSecretId ?? '');
  if (!record) throw clientSecretNotFound();
  return jsonReply(200, { clientSecretData: clientSecretView(record, config) });
};
