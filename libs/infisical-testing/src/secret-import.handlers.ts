import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import {
  cyclicImport,
  folderNotFound,
  importedEnvironmentNotFound,
  projectNotFoundForPermission,
  replicationNotInPlan,
  secretImportNotFound,
} from './infisical-error.replies.js';
import { secretImportView } from './management.views.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { HandlerContext, RouteHandler } from './route-handler.types.js';
import { normalizeSecretPath } from './secret-path.util.js';
import type { SecretLocation, StoredFolder } from './secret-store.js';

/** `{workspaceId, environment, path}` (path '/' when absent). */
function readImportLocation(fields: RequestFieldsReader): SecretLocation {
  return {
    projectId: fields.requiredText('workspaceId'),
    environment: fields.requiredText('environment'),
    secretPath: normalizeSecretPath(fields.optionalText('path')),
  };
}

/** The import's source: `import: {environment, path}`, each field's problem reported at its nested path. */
function readImportSource(fields: RequestFieldsReader): { environment: string; secretPath: string } {
  const value = fields.value('import');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fields.addIssue({
      code: 'invalid_type',
      expected: 'object',
      received: value === undefined ? 'undefined' : Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value,
      path: ['import'],
      message: value === undefined ? 'Required' : `Expected object, received ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`,
    });
    return { environment: '', secretPath: '/' };
  }
  const source = value as Record<string, unknown>;
  for (const field of ['environment', 'path'] as const) {
    if (typeof source[field] !== 'string') {
      fields.addIssue({ code: 'invalid_type', expected: 'string', received: source[field] === undefined ? 'undefined' : typeof source[field], path: ['import', field], message: source[field] === undefined ? 'Required' : `Expected string, received ${typeof source[field]}` });
    }
  }
  return { environment: String(source.environment ?? '').trim(), secretPath: normalizeSecretPath(String(source.path ?? '')) };
}

/** The folder the imports belong to: 404 when the environment or the path does not exist. */
function requireFolder(context: HandlerContext, location: SecretLocation): StoredFolder {
  const folder = context.store.findFolder(location);
  if (!folder) throw folderNotFound(location.secretPath, location.environment);
  return folder;
}

/** GET /api/v1/secret-imports?workspaceId&environment&path: the folder's imports, in order. */
export const handleListSecretImports: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const query = RequestFieldsReader.fromQuery(request.query);
  const location = readImportLocation(query);
  query.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'read', subject: 'secret-imports' }, projectNotFoundForPermission);

  const folder = requireFolder(context, location);
  const secretImports = folder.imports.flatMap((entry) => secretImportView(entry, folder, context.store) ?? []);
  return jsonReply(200, { message: 'Successfully fetched secret imports', secretImports });
};

/**
 * POST /api/v1/secret-imports {workspaceId, environment, path, import: {environment, path}}. The source
 * folder need not exist yet (the import is skipped until it does); importing a folder into itself, or
 * a folder that imports this one, is refused as cyclic. The secrets list follows the import at once.
 */
export const handleCreateSecretImport: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const location = readImportLocation(body);
  const source = readImportSource(body);
  const isReplication = body.optionalBoolean('isReplication') ?? false;
  body.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'create', subject: 'secret-imports' }, projectNotFoundForPermission);
  if (isReplication) throw replicationNotInPlan();

  const { store } = context;
  const folder = requireFolder(context, location);
  if (!store.hasEnvironment(location.projectId, source.environment)) throw importedEnvironmentNotFound();
  if (source.environment === location.environment && source.secretPath === location.secretPath) throw cyclicImport();
  const sourceFolder = store.findFolder({ projectId: location.projectId, ...source });
  const importsBack = sourceFolder?.imports.some((entry) => entry.environment === location.environment && entry.secretPath === location.secretPath);
  if (importsBack) throw cyclicImport();
  const entry = store.addImport(folder, source);
  return jsonReply(200, { message: 'Successfully created secret import', secretImport: secretImportView(entry, folder, store) });
};

/** DELETE /api/v1/secret-imports/:id {workspaceId, environment, path}: the later imports move up a position. */
export const handleDeleteSecretImport: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const id = (request.params.secretImportId ?? '').trim();
  const fields = RequestFieldsReader.fromBody(request.body, request.query);
  const location = readImportLocation(fields);
  fields.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'delete', subject: 'secret-imports' }, projectNotFoundForPermission);

  const folder = requireFolder(context, location);
  const entry = folder.imports.find((candidate) => candidate.id === id);
  if (!entry) throw secretImportNotFound(id);
  // answered as it was; upstream's transaction fails (and keeps the import) when its source environment is gone
  const reply = secretImportView(entry, folder, context.store);
  if (!reply) throw importedEnvironmentNotFound();
  context.store.removeImport(folder, id);
  return jsonReply(200, { message: 'Successfully deleted secret import', secretImport: reply });
};
