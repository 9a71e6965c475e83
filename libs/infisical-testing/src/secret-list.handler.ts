import { createHash } from 'node:crypto';
import { authenticateRequest } from './bearer-auth.guard.js';
import { JSON_CONTENT_TYPE } from './http-reply.util.js';
import { environmentNotFound } from './infisical-error.replies.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { Reply, RouteHandler } from './route-handler.types.js';
import { normalizeSecretPath } from './secret-path.util.js';
import type { SecretLocation, StoredFolder } from './secret-store.js';
import { toImportedSecretView, toSecretView, visibleValue } from './secret.views.js';

/** True when If-None-Match names this ETag (a list, a weak form, or `*`). */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === etag);
}

/** GET /api/v3/secrets/raw */
export const handleListSecrets: RouteHandler = (request, context): Reply => {
  const identity = authenticateRequest(request, context);
  const query = RequestFieldsReader.fromQuery(request.query);
  const projectId = query.requiredString('workspaceId');
  const environment = query.requiredString('environment');
  const secretPath = normalizeSecretPath(query.optionalString('secretPath'));
  const includeImports = query.booleanFlag('include_imports', false);
  const recursive = query.booleanFlag('recursive', false);
  const valueOptions = {
    expandReferences: query.booleanFlag('expandSecretReferences', false),
    viewSecretValue: query.booleanFlag('viewSecretValue', true),
  };
  const tagSlugs = (query.optionalString('tagSlugs') ?? '').split(',').filter((slug) => slug.trim().length > 0);
  query.finish();
  assertProjectAccess(context, identity, projectId, { action: 'read', subject: 'secrets' });

  const { store, expander } = context;
  const location: SecretLocation = { projectId, environment, secretPath };
  // Non-recursive: an unknown environment or folder is an empty answer; recursive: a 404.
  if (recursive && !store.hasEnvironment(projectId, environment)) throw environmentNotFound(environment, projectId);
  const folders: StoredFolder[] = recursive ? store.findFoldersWithin(location) : [store.findFolder(location)].filter((f) => f !== undefined);
  const at = (folder: StoredFolder): SecretLocation => ({ projectId, environment, secretPath: folder.path });

  // seeded secrets carry no tags, so any tag filter matches nothing
  const secrets =
    tagSlugs.length > 0
      ? []
      : folders.flatMap((folder) =>
          [...folder.secrets.values()].map((secret) =>
            toSecretView(secret, at(folder), visibleValue(secret, at(folder), valueOptions, expander)),
          ),
        );
  const imports = includeImports
    ? folders.flatMap((folder) =>
        store.findImportedFolders(projectId, folder).map((imported) => ({
          secretPath: imported.location.secretPath,
          environment: imported.location.environment,
          folderId: imported.folder.id,
          secrets: [...imported.folder.secrets.values()].map((secret) =>
            toImportedSecretView(secret, imported.location, visibleValue(secret, imported.location, valueOptions, expander)),
          ),
        })),
      )
    : [];

  const body = JSON.stringify({ secrets, imports });
  if (!context.etags) return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body };
  const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
  if (etagMatches(request.headers['if-none-match'], etag)) return { status: 304, headers: { etag } };
  return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE, etag }, body };
};
