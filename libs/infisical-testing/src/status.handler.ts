import { jsonReply } from './http-reply.util.js';
import type { RouteHandler } from './route-handler.types.js';

/** GET /api/status: no auth; proves only that the process is up. */
export const handleStatus: RouteHandler = (_request, context) =>
  jsonReply(200, {
    date: new Date(context.now()).toISOString(),
    message: 'Ok',
    emailConfigured: false,
    inviteOnlySignup: false,
    redisConfigured: false,
    secretScanningConfigured: false,
  });
