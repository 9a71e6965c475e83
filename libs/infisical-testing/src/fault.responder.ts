import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalInfisicalFault } from './fault-injector.js';
import { JSON_CONTENT_TYPE, writeReply } from './http-reply.util.js';
import { injectedStatusError } from './infisical-error.replies.js';
import type { LocalInfisicalRoute } from './local-infisical.routes.js';

/** Enough of a real list answer that a client sees JSON start, then the connection dies. */
const PARTIAL_BODY = '{"secrets":[{"id":"4c1c5b9e-0d6f-4b8e-9a53-2f1d1c7c7f10","secretKey":"';
/** Valid HTTP, not valid JSON: what a truncating proxy or a broken gateway passes on. */
const MALFORMED_BODY = '{"secrets":[{"secretKey":"DATABASE_URL","secretValue":';

/**
 * Plays a fault on the response. Resolves true when the fault answered (or deliberately never
 * will), false when the request should now be handled normally (after latency).
 */
export async function playFault(
  fault: LocalInfisicalFault,
  response: ServerResponse,
  route: LocalInfisicalRoute | undefined,
  shutdown: AbortSignal,
): Promise<boolean> {
  switch (fault.kind) {
    case 'latency':
      try {
        await sleep(fault.ms, undefined, { signal: shutdown });
      } catch {
        // close() aborted the wait; the socket is being destroyed, nothing to answer
        return true;
      }
      return false;
    case 'status':
      writeReply(response, injectedStatusError(fault.status, route, fault).toReply());
      return true;
    case 'malformed':
      writeReply(response, { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: MALFORMED_BODY });
      return true;
    case 'drop':
      // promise more bytes than we send, so the client sees a truncated body, not a short one
      response.writeHead(200, { 'content-type': JSON_CONTENT_TYPE, 'content-length': PARTIAL_BODY.length * 4 });
      response.write(PARTIAL_BODY, () => response.destroy());
      return true;
    case 'blackhole':
      // the socket stays open until the client gives up or close() destroys it
      return true;
  }
}
