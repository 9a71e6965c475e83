import type { InfisicalScope } from '../infisical-config.options.js';

/** What a verified delivery asks for. */
export type WebhookEvent =
  | { readonly kind: 'refresh'; readonly event: string; readonly environment: string; readonly secretPath: string }
  | { readonly kind: 'ignored'; readonly event: string; readonly why: 'test event' | 'other event' | 'other project' | 'outside the scopes' | 'malformed' };

/** The events Infisical sends; any other name is logged as `other`, never as sent. */
const KNOWN_EVENTS = new Set(['secrets.modified', 'test', 'secrets.rotation-failed']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `/a//b/` → `/a/b`; undefined for anything that is not an absolute folder path of sane length. */
export function normalizeFolder(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 1024 || /[\u0000-\u001f\u007f]/.test(path)) return undefined;
  const collapsed = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return collapsed === '' ? '/' : collapsed;
}

/** True when a load of `scope` reads `secretPath` of `environment`: its own folder, or a sub-folder when recursive. */
export function scopeCovers(scope: Readonly<Required<Pick<InfisicalScope, 'environment' | 'secretPath' | 'recursive'>>>, environment: string, secretPath: string): boolean {
  if (scope.environment !== environment) return false;
  const folder = normalizeFolder(scope.secretPath) ?? scope.secretPath;
  if (folder === secretPath) return true;
  if (!scope.recursive) return false;
  return folder === '/' || secretPath.startsWith(`${folder}/`);
}

/**
 * Reads a verified body: `secrets.modified` of the module's project, in an environment and folder one of
 * its scopes loads, asks for a refresh; anything else is acknowledged and ignored. Imported folders need no
 * matching here: Infisical also fires the importing environment's own webhook.
 */
export function classifyWebhookEvent(
  payload: unknown,
  projectId: string,
  scopes: readonly Readonly<Required<Pick<InfisicalScope, 'environment' | 'secretPath' | 'recursive'>>>[],
): WebhookEvent {
  if (!isRecord(payload) || typeof payload.event !== 'string') return { kind: 'ignored', event: 'other', why: 'malformed' };
  const event = KNOWN_EVENTS.has(payload.event) ? payload.event : 'other';
  if (event === 'test') return { kind: 'ignored', event, why: 'test event' };
  if (event !== 'secrets.modified') return { kind: 'ignored', event, why: 'other event' };
  const project = payload.project;
  if (!isRecord(project)) return { kind: 'ignored', event, why: 'malformed' };
  // Newer servers add `projectId` beside the observed `workspaceId`.
  const workspaceId = project.workspaceId ?? project.projectId;
  if (workspaceId !== projectId) return { kind: 'ignored', event, why: 'other project' };
  const environment = project.environment;
  const secretPath = normalizeFolder(project.secretPath);
  if (typeof environment !== 'string' || !/^[^\u0000-\u001f\u007f]{1,256}$/.test(environment) || secretPath === undefined) {
    return { kind: 'ignored', event, why: 'malformed' };
  }
  if (!scopes.some((scope) => scopeCovers(scope, environment, secretPath))) return { kind: 'ignored', event, why: 'outside the scopes' };
  return { kind: 'refresh', event, environment, secretPath };
}
