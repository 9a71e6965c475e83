import { classifyWebhookEvent, normalizeFolder, scopeCovers } from './webhook-event.js';

const scopes = [
  { environment: 'dev', secretPath: '/', recursive: false },
  { environment: 'server', secretPath: '/api', recursive: true },
  { environment: 'all', secretPath: '/', recursive: true },
];
const modified = (project: Record<string, unknown>) => ({ event: 'secrets.modified', project, timestamp: 1 });

describe('classifyWebhookEvent', () => {
  it.each([
    ['dev', '/'],
    ['server', '/api'],
    ['server', '/api/'],
    ['server', '/api/v2'],
    ['server', '//api//v2/deep'],
    ['all', '/'],
    ['all', '/any/folder'],
  ])('refreshes for %s:%s', (environment, secretPath) => {
    expect(classifyWebhookEvent(modified({ workspaceId: 'proj', environment, secretPath }), 'proj', scopes)).toEqual(
      expect.objectContaining({ kind: 'refresh', event: 'secrets.modified', environment }),
    );
  });

  it.each([
    ['dev', '/nested', 'outside the scopes'], // not recursive
    ['server', '/', 'outside the scopes'],
    ['server', '/apiary', 'outside the scopes'],
    ['staging', '/', 'outside the scopes'],
    ['dev', 'relative', 'malformed'],
    ['dev', '/bad\u0000path', 'malformed'],
    ['', '/', 'malformed'],
  ])('ignores %s:%s (%s)', (environment, secretPath, why) => {
    expect(classifyWebhookEvent(modified({ workspaceId: 'proj', environment, secretPath }), 'proj', scopes)).toEqual({ kind: 'ignored', event: 'secrets.modified', why });
  });

  it("ignores other projects; accepts newer servers' projectId", () => {
    expect(classifyWebhookEvent(modified({ workspaceId: 'other', environment: 'dev', secretPath: '/' }), 'proj', scopes)).toEqual(
      expect.objectContaining({ kind: 'ignored', why: 'other project' }),
    );
    expect(classifyWebhookEvent(modified({ projectId: 'proj', environment: 'dev', secretPath: '/' }), 'proj', scopes)).toEqual(expect.objectContaining({ kind: 'refresh' }));
  });

  it('acknowledges test and other events without refreshing, naming unknown events only as "other"', () => {
    const project = { workspaceId: 'proj', environment: 'dev', secretPath: '/' };
    expect(classifyWebhookEvent({ event: 'test', project }, 'proj', scopes)).toEqual({ kind: 'ignored', event: 'test', why: 'test event' });
    expect(classifyWebhookEvent({ event: 'secrets.rotation-failed', project }, 'proj', scopes)).toEqual({ kind: 'ignored', event: 'secrets.rotation-failed', why: 'other event' });
    expect(classifyWebhookEvent({ event: 'x\nforged log line', project }, 'proj', scopes)).toEqual({ kind: 'ignored', event: 'other', why: 'other event' });
    for (const payload of [null, [], 'text', {}, { event: 'secrets.modified' }, { event: 'secrets.modified', project: [] }]) {
      expect(classifyWebhookEvent(payload, 'proj', scopes)).toEqual(expect.objectContaining({ kind: 'ignored', why: 'malformed' }));
    }
  });

  it('normalizes folders and matches scopes by folder, not by prefix', () => {
    expect(normalizeFolder('/a//b/')).toBe('/a/b');
    expect(normalizeFolder('///')).toBe('/');
    expect(normalizeFolder('a')).toBeUndefined();
    expect(scopeCovers({ environment: 'e', secretPath: '/a', recursive: true }, 'e', '/ab')).toBe(false);
    expect(scopeCovers({ environment: 'e', secretPath: '/a', recursive: true }, 'e', '/a/b')).toBe(true);
    expect(scopeCovers({ environment: 'e', secretPath: '/a', recursive: false }, 'e', '/a/b')).toBe(false);
  });
});
