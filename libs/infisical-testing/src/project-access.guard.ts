import { notProjectMember, projectNotFound } from './infisical-error.replies.js';
import type { RegisteredIdentity } from './identity-registry.js';
import type { HandlerContext } from './route-handler.types.js';

/** An unknown project is a 404 (bot lookup) before membership is even checked, as observed. */
export function assertProjectAccess(context: HandlerContext, identity: RegisteredIdentity, projectId: string): void {
  if (!context.store.hasProject(projectId)) throw projectNotFound(projectId);
  if (!identity.projects.has(projectId)) throw notProjectMember(projectId);
}
