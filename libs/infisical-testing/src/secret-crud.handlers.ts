import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import { folderNotFound, newSecretNameTaken, secretAlreadyExists, secretNotFound } from './infisical-error.replies.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { HandlerContext, InboundRequest, RouteHandler } from './route-handler.types.js';
import { normalizeSecretPath } from './secret-path.util.js';
import type { SecretFields, SecretLocation, StoredFolder, StoredSecret } from './secret-store.js';
import { toSecretView, visibleValue } from './secret.views.js';

/** The pipeline only routes here with a decoded `:name`. */
const secretNameOf = (request: InboundRequest): string => request.secretName ?? '';

function readLocation(fields: RequestFieldsReader): SecretLocation {
  return {
    projectId: fields.requiredString('workspaceId'),
    environment: fields.requiredString('environment'),
    secretPath: normalizeSecretPath(fields.optionalString('secretPath')),
  };
}

function readSecretFields(fields: RequestFieldsReader): SecretFields {
  return {
    comment: fields.optionalString('secretComment'),
    skipMultilineEncoding: fields.optionalBoolean('skipMultilineEncoding'),
    reminderNote: fields.optionalNullableString('secretReminderNote'),
    reminderRepeatDays: fields.optionalNullableNumber('secretReminderRepeatDays'),
  };
}

/** Writes need the folder to exist, unlike the list route. */
function requireFolder(context: HandlerContext, location: SecretLocation): StoredFolder {
  const folder = context.store.findFolder(location);
  if (!folder) throw folderNotFound(location.secretPath, location.environment);
  return folder;
}

const secretReply = (secret: StoredSecret, location: SecretLocation) =>
  jsonReply(200, { secret: toSecretView(secret, location, secret.value) });

/** GET /api/v3/secrets/raw/:name; with include_imports=true it also looks in the folder's imports. */
export const handleGetSecret: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const name = secretNameOf(request);
  const query = RequestFieldsReader.fromQuery(request.query);
  const location = readLocation(query);
  const includeImports = query.booleanFlag('include_imports', false);
  const valueOptions = {
    expandReferences: query.booleanFlag('expandSecretReferences', false),
    viewSecretValue: query.booleanFlag('viewSecretValue', true),
  };
  query.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'read', subject: 'secrets' });

  const folder = context.store.findFolder(location);
  const candidates = folder
    ? [{ location, folder }, ...(includeImports ? context.store.findImportedFolders(location.projectId, folder) : [])]
    : [];
  for (const candidate of candidates) {
    const secret = candidate.folder.secrets.get(name);
    if (secret) {
      const value = visibleValue(secret, candidate.location, valueOptions, context.expander);
      return jsonReply(200, { secret: toSecretView(secret, candidate.location, value) });
    }
  }
  throw secretNotFound(name);
};

/** POST /api/v3/secrets/raw/:name */
export const handleCreateSecret: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const name = secretNameOf(request);
  const body = RequestFieldsReader.fromBody(request.body);
  const location = readLocation(body);
  const value = body.requiredString('secretValue');
  const fields = readSecretFields(body);
  body.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'create', subject: 'secrets' });

  const folder = requireFolder(context, location);
  if (folder.secrets.has(name)) throw secretAlreadyExists();
  return secretReply(context.store.createSecret(folder, name, value, fields), location);
};

/** PATCH /api/v3/secrets/raw/:name; `newSecretName` renames. */
export const handleUpdateSecret: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const name = secretNameOf(request);
  const body = RequestFieldsReader.fromBody(request.body);
  const location = readLocation(body);
  const value = body.optionalString('secretValue');
  const newKey = body.optionalString('newSecretName');
  const fields = readSecretFields(body);
  body.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'edit', subject: 'secrets' });

  const folder = requireFolder(context, location);
  const secret = folder.secrets.get(name);
  if (!secret) throw secretNotFound(name);
  if (newKey !== undefined && newKey !== name && folder.secrets.has(newKey)) throw newSecretNameTaken();
  return secretReply(context.store.updateSecret(folder, secret, value, { ...fields, newKey }), location);
};

/** DELETE /api/v3/secrets/raw/:name; the SDK sends the fields as a JSON body, others in the query. */
export const handleDeleteSecret: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const name = secretNameOf(request);
  const body = RequestFieldsReader.fromBody(request.body, request.query);
  const location = readLocation(body);
  body.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'delete', subject: 'secrets' });

  const folder = requireFolder(context, location);
  const removed = context.store.removeSecret(folder, name);
  if (!removed) throw secretNotFound(name);
  return secretReply(removed, location);
};
