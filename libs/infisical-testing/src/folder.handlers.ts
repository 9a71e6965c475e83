import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import {
  environmentNotFoundInProject,
  environmentSlugNotFound,
  folderNotFound,
  projectNotFoundForPermission,
  targetFolderNotFound,
} from './infisical-error.replies.js';
import { folderView } from './management.views.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { RouteHandler } from './route-handler.types.js';
import { normalizeSecretPath } from './secret-path.util.js';
import type { SecretLocation } from './secret-store.js';

/** Upstream's folder-name rule. */
const FOLDER_NAME = /^[a-zA-Z0-9-_]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{workspaceId, environment, path}`; `directory` is the older name of `path` (the Infisical CLI sends it). */
function readFolderLocation(fields: RequestFieldsReader): SecretLocation {
  const projectId = fields.requiredText('workspaceId');
  const environment = fields.requiredText('environment');
  const path = fields.optionalText('path') || fields.optionalText('directory');
  return { projectId, environment, secretPath: normalizeSecretPath(path) };
}

/** GET /api/v1/folders?workspaceId&environment&path[&recursive]: the direct sub-folders (all below with `recursive=true`). */
export const handleListFolders: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const query = RequestFieldsReader.fromQuery(request.query);
  const location = readFolderLocation(query);
  const recursive = query.booleanFlag('recursive', false);
  query.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'read', subject: 'secret-folders' }, projectNotFoundForPermission);

  const { store } = context;
  if (!store.hasEnvironment(location.projectId, location.environment)) throw environmentSlugNotFound(location.environment);
  // an unknown path is an empty list, not an error
  if (!store.findFolder(location)) return jsonReply(200, { folders: [] });
  const folders = recursive
    ? store
        .findFoldersWithin(location)
        .filter((folder) => folder.path !== location.secretPath)
        .map((folder) => ({ ...folderView(folder, store), relativePath: folder.path }))
    : store.listSubFolders(location).map((folder) => folderView(folder, store));
  return jsonReply(200, { folders });
};

/**
 * POST /api/v1/folders {workspaceId, environment, name, path}. As newer servers: missing parents are
 * created, and a folder that exists already is answered as if just created.
 */
export const handleCreateFolder: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const location = readFolderLocation(body);
  const name = body.requiredText('name', {
    refine: { test: (value) => FOLDER_NAME.test(value), message: 'Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed.' },
  });
  body.finish();
  assertProjectAccess(context, identity, location.projectId, { action: 'create', subject: 'secret-folders' }, projectNotFoundForPermission);

  const { store } = context;
  if (!store.hasEnvironment(location.projectId, location.environment)) throw environmentNotFoundInProject(location.environment, location.projectId);
  const folder = store.ensureFolder({ ...location, secretPath: normalizeSecretPath(`${location.secretPath}/${name}`) });
  return jsonReply(200, { folder: { ...folderView(folder, store), path: folder.path } });
};

/**
 * DELETE /api/v1/folders/:folderIdOrName {workspaceId, environment, path}: the folder named (or with that id)
 * directly under `path`, with everything below it.
 */
export const handleDeleteFolder: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const idOrName = request.params.folderIdOrName ?? '';
  const fields = RequestFieldsReader.fromBody(request.body, request.query);
  const parentLocation = readFolderLocation(fields);
  fields.finish();
  assertProjectAccess(context, identity, parentLocation.projectId, { action: 'delete', subject: 'secret-folders' }, projectNotFoundForPermission);

  const { store } = context;
  if (!store.hasEnvironment(parentLocation.projectId, parentLocation.environment)) throw environmentSlugNotFound(parentLocation.environment);
  if (!store.findFolder(parentLocation)) throw folderNotFound(parentLocation.secretPath, parentLocation.environment);
  const children = store.listSubFolders(parentLocation);
  // by name first, then by id when it looks like one, as upstream looks it up
  const target =
    children.find((folder) => folderView(folder, store).name === idOrName) ??
    (UUID.test(idOrName) ? children.find((folder) => folder.id === idOrName) : undefined);
  if (!target) throw targetFolderNotFound();
  const reply = folderView(target, store);
  store.deleteFolder(target);
  return jsonReply(200, { folder: reply });
};
