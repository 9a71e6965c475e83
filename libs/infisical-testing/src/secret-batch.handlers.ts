import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import { folderNotFound, secretAlreadyExists, secretNotFound, validationFailure } from './infisical-error.replies.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { RouteHandler } from './route-handler.types.js';
import { normalizeSecretPath } from './secret-path.util.js';
import type { SecretLocation, StoredFolder, StoredSecret } from './secret-store.js';
import { toSecretView } from './secret.views.js';

interface BatchEntry {
  key: string;
  value: string | undefined;
  comment: string | undefined;
  skipMultilineEncoding: boolean | undefined;
}

interface BatchRequest {
  location: SecretLocation;
  entries: BatchEntry[];
}

/** `{ workspaceId, environment, secretPath, secrets: [{ secretKey, secretValue, secretComment?, skipMultilineEncoding?, type? }] }` */
function readBatch(body: unknown, valueRequired: boolean): BatchRequest {
  const fields = RequestFieldsReader.fromBody(body);
  const location: SecretLocation = {
    projectId: fields.requiredString('workspaceId'),
    environment: fields.requiredString('environment'),
    secretPath: normalizeSecretPath(fields.optionalString('secretPath')),
  };
  fields.finish();
  const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).secrets : undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw validationFailure([
      Array.isArray(raw)
        ? { code: 'too_small', path: ['secrets'], message: 'Array must contain at least 1 element(s)' }
        : { code: 'invalid_type', path: ['secrets'], message: raw === undefined ? 'Required' : 'Expected array' },
    ]);
  }
  const entries = raw.map((item): BatchEntry => {
    const entry = RequestFieldsReader.fromBody(item);
    const key = entry.requiredString('secretKey');
    const value = valueRequired ? entry.requiredString('secretValue') : entry.optionalString('secretValue');
    const comment = entry.optionalString('secretComment');
    const skipMultilineEncoding = entry.optionalBoolean('skipMultilineEncoding');
    entry.optionalString('type');
    entry.finish();
    return { key, value, comment, skipMultilineEncoding };
  });
  return { location, entries };
}

function requireFolder(folder: StoredFolder | undefined, location: SecretLocation): StoredFolder {
  if (!folder) throw folderNotFound(location.secretPath, location.environment);
  return folder;
}

const batchReply = (secrets: StoredSecret[], location: SecretLocation) =>
  jsonReply(200, { secrets: secrets.map((secret) => toSecretView(secret, location, secret.value)) });

/** POST /api/v3/secrets/batch/raw: all or nothing; any key that exists (or repeats) is a 400 and nothing is written. */
export const handleCreateSecretsBatch: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const { location, entries } = readBatch(request.body, true);
  assertProjectAccess(context, identity, location.projectId, { action: 'create', subject: 'secrets' });

  const folder = requireFolder(context.store.findFolder(location), location);
  const seen = new Set<string>();
  for (const { key } of entries) {
    if (folder.secrets.has(key) || seen.has(key)) throw secretAlreadyExists();
    seen.add(key);
  }
  const created = entries.map((entry) =>
    context.store.createSecret(folder, entry.key, entry.value ?? '', { comment: entry.comment, skipMultilineEncoding: entry.skipMultilineEncoding }),
  );
  return batchReply(created, location);
};

/** PATCH /api/v3/secrets/batch/raw: all or nothing; a missing key is a 404 and nothing is written. */
export const handleUpdateSecretsBatch: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const { location, entries } = readBatch(request.body, false);
  assertProjectAccess(context, identity, location.projectId, { action: 'edit', subject: 'secrets' });

  const folder = requireFolder(context.store.findFolder(location), location);
  for (const { key } of entries) if (!folder.secrets.has(key)) throw secretNotFound(key);
  const updated = entries.map((entry) =>
    context.store.updateSecret(folder, folder.secrets.get(entry.key) as StoredSecret, entry.value, {
      comment: entry.comment,
      skipMultilineEncoding: entry.skipMultilineEncoding,
    }),
  );
  return batchReply(updated, location);
};
