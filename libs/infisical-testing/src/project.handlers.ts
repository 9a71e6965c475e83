import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import { projectCreationForbidden, projectIdNotFound, projectSlugTaken } from './infisical-error.replies.js';
import { projectView } from './management.views.js';
import { organizationRoleAllows } from './permission.policy.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { RouteHandler } from './route-handler.types.js';
import { isSlug, randomSlugSuffix, slugify } from './slug.util.js';

/** What a new project gets unless `shouldCreateDefaultEnvs: false`: upstream's three, in this order. */
const DEFAULT_ENVIRONMENTS = [
  { name: 'Development', slug: 'dev' },
  { name: 'Staging', slug: 'staging' },
  { name: 'Production', slug: 'prod' },
];

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** GET /api/v1/workspace: the projects the caller is a member of (any role), by name as upstream sorts them. */
export const handleListProjects: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const projects = context.store.listProjects().filter((project) => identity.memberships.has(project.id));
  const workspaces = projects.sort(byName).map((project) => projectView(project, context.organizationId, context.store));
  return jsonReply(200, { workspaces });
};

/** GET /api/v1/workspace/:projectId: any member may read it. */
export const handleGetProject: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const projectId = (request.params.projectId ?? '').trim();
  assertProjectAccess(context, identity, projectId, undefined, projectIdNotFound);
  const project = context.store.findProject(projectId);
  return jsonReply(200, { workspace: project && projectView(project, context.organizationId, context.store) });
};

/**
 * POST /api/v2/workspace {projectName, projectDescription?, slug?, shouldCreateDefaultEnvs?}. The creator
 * becomes its admin; a slug is generated from the name unless given.
 */
export const handleCreateProject: RouteHandler = (request, context) => {
  const identity = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const name = body.requiredText('projectName', { max: 64, maxMessage: 'Name must be 64 or fewer characters' });
  const description = body.optionalText('projectDescription', { max: 1024, maxMessage: 'Description must be 1024 or fewer characters' });
  const givenSlug = body.optionalText('slug', {
    lowercase: true,
    min: 5,
    minMessage: 'Slug field must be at least 5 characters',
    max: 36,
    maxMessage: 'Slug field must be at most 36 characters',
    refine: { test: isSlug, message: 'Slug field can only contain letters, numbers, and hyphens' },
  });
  const createDefaultEnvironments = body.optionalBoolean('shouldCreateDefaultEnvs') ?? true;
  body.finish();
  // newer servers check this themselves (a ForbiddenError), not through CASL
  if (!organizationRoleAllows(identity.organizationRole, 'create', 'workspace')) throw projectCreationForbidden();

  const slug = givenSlug ?? slugify(`${name}-${randomSlugSuffix(4)}`);
  if (context.store.findProjectBySlug(slug)) throw projectSlugTaken(slug);
  const project = context.store.createProject({ name, slug, description: description ?? null }, createDefaultEnvironments ? DEFAULT_ENVIRONMENTS : []);
  context.identities.addMembership(identity, project.id, ['admin']);
  return jsonReply(200, { project: projectView(project, context.organizationId, context.store) });
};
