import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import { environmentIdNotFound, environmentSlugTaken, projectNotFoundForPermission } from './infisical-error.replies.js';
import { environmentView } from './management.views.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { TextRules } from './request-fields.reader.js';
import type { InboundRequest, RouteHandler } from './route-handler.types.js';
import { isSlug } from './slug.util.js';
import type { StoredEnvironment } from './secret-store.js';

/** Upstream's environment slug schema: lowercased, 1 to 64 characters, a slug. */
const SLUG_RULES: TextRules = {
  lowercase: true,
  min: 1,
  minMessage: 'Slug field must be at least 1 character',
  max: 64,
  maxMessage: 'Slug field must be at most 64 characters',
  refine: { test: isSlug, message: 'Slug field can only contain letters, numbers, and hyphens' },
};
const NAME_RULES: TextRules = { min: 1, max: 255 };

const projectIdOf = (request: InboundRequest): string => (request.params.projectId ?? '').trim();

/** `workspace` is the project id as the path gave it, as the deprecated routes echo it. */
const environmentReply = (message: string, projectId: string, environment: StoredEnvironment) =>
  jsonReply(200, { message, workspace: projectId, environment: environmentView(environment, projectId) });

/** POST /api/v1/workspace/:projectId/environments {name, slug, position?} */
export const handleCreateEnvironment: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const body = RequestFieldsReader.fromBody(request.body);
  const name = body.requiredText('name', NAME_RULES);
  const slug = body.requiredText('slug', SLUG_RULES);
  const position = body.optionalNumber('position', { min: 1 });
  body.finish();
  assertProjectAccess(context, identity, projectId, { action: 'create', subject: 'environments' }, projectNotFoundForPermission);

  if (context.store.findEnvironment(projectId, slug)) throw environmentSlugTaken('CreateEnvironment');
  const project = context.store.findProject(projectId);
  if (!project) throw projectNotFoundForPermission(projectId);
  const environment = context.store.createEnvironment(project, { name, slug, position });
  return environmentReply('Successfully created new environment', projectId, environment);
};

/** PATCH /api/v1/workspace/:projectId/environments/:id {name?, slug?, position?}; folders and imports follow a new slug. */
export const handleUpdateEnvironment: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const id = (request.params.environmentId ?? '').trim();
  const body = RequestFieldsReader.fromBody(request.body);
  const slug = body.optionalText('slug', SLUG_RULES);
  const name = body.optionalText('name', NAME_RULES);
  const position = body.optionalNumber('position');
  body.finish();
  assertProjectAccess(context, identity, projectId, { action: 'edit', subject: 'environments' }, projectNotFoundForPermission);

  const project = context.store.findProject(projectId);
  const environment = context.store.findEnvironmentById(projectId, id);
  if (!project || !environment) throw environmentIdNotFound(id, projectId);
  const holder = slug === undefined ? undefined : context.store.findEnvironment(projectId, slug);
  if (holder && holder !== environment) throw environmentSlugTaken('UpdateEnvironment');
  context.store.updateEnvironment(project, environment, { name, slug, position });
  return environmentReply('Successfully updated environment', projectId, environment);
};

/** DELETE /api/v1/workspace/:projectId/environments/:id: its folders, secrets and imports go with it. */
export const handleDeleteEnvironment: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const id = (request.params.environmentId ?? '').trim();
  assertProjectAccess(context, identity, projectId, { action: 'delete', subject: 'environments' }, projectNotFoundForPermission);

  const project = context.store.findProject(projectId);
  const environment = context.store.findEnvironmentById(projectId, id);
  if (!project || !environment) throw environmentIdNotFound(id, projectId, 'DeleteEnvironment');
  context.store.deleteEnvironment(project, environment);
  return environmentReply('Successfully deleted environment', projectId, environment);
};
