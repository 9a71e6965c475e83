import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector } from './fault-injector.js';
import { playFault } from './fault.responder.js';
import { parseJsonBody, readRequestBody } from './http-body.util.js';
import { writeReply } from './http-reply.util.js';
import { InfisicalReplyError, internalError, invalidUrl, routeNotFound } from './infisical-error.replies.js';
import { matchRoute, ROUTE_HANDLERS } from './local-infisical.routes.js';
import type { RouteMatch } from './local-infisical.routes.js';
import type { RequestCounter } from './request-counter.js';
import type { HandlerContext, Reply } from './route-handler.types.js';

export interface RequestPipelineDeps {
  context: HandlerContext;
  faults: FaultInjector;
  counter: RequestCounter;
  /** aborted by close(), so latency faults do not keep timers alive */
  shutdown: AbortSignal;
}

/** The request line, split once on arrival. */
interface RequestTarget {
  method: string;
  url: string;
  query: URLSearchParams;
  match: RouteMatch | undefined;
}

/** Turns a thrown value into the reply; anything unexpected is Infisical's generic 500. */
function replyForError(error: unknown): Reply {
  return (error instanceof InfisicalReplyError ? error : internalError()).toReply();
}

/**
 * One request, start to end: count on arrival, read the body, let a fault answer, else route to the
 * handler. Never throws into the event loop.
 */
export class RequestPipeline {
  constructor(private readonly deps: RequestPipelineDeps) {}

  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const method = (request.method ?? 'GET').toUpperCase();
    const queryStart = url.indexOf('?');
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    const match = matchRoute(method, pathname);
    this.deps.counter.record(match?.route);

    this.process(request, response, { method, url, query, match }).catch((error: unknown) => {
      // the client went away mid-body, or a write failed: answer if still possible, else cut
      if (!response.headersSent && !response.destroyed) writeReply(response, replyForError(error));
      else response.destroy();
    });
  };

  private async process(
    request: IncomingMessage,
    response: ServerResponse,
    parsed: RequestTarget,
  ): Promise<void> {
    let bodyText: string;
    try {
      bodyText = await readRequestBody(request);
    } catch (error) {
      writeReply(response, replyForError(error));
      return;
    }
    const fault = this.deps.faults.take(parsed.match?.route);
    if (fault && (await playFault(fault, response, parsed.match?.route, this.deps.shutdown))) return;
    const reply = this.answer(request, parsed, bodyText);
    this.deps.counter.recordReply(parsed.match?.route, reply.status);
    writeReply(response, reply);
  }

  private answer(
    request: IncomingMessage,
    parsed: RequestTarget,
    bodyText: string,
  ): Reply {
    const { method, url, query, match } = parsed;
    try {
      if (!match) throw routeNotFound(method, url);
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(Object.entries(match.rawParams).map(([name, raw]) => [name, decodeURIComponent(raw)]));
      } catch {
        throw invalidUrl(url);
      }
      const body = parseJsonBody(bodyText);
      const inbound = { method, url, secretName: params.secretName, params, query, headers: request.headers, body };
      return ROUTE_HANDLERS[match.route](inbound, this.deps.context);
    } catch (error) {
      return replyForError(error);
    }
  }
}
